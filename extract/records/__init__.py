"""Records: tagged spans → (subject, metric, value, …) facts of the narrative.

values (numbers and units) → attributes (metric, direction, period from the words around a value) →
link (which subject each value, target and reason belongs to) → build (records, with subjects and
reasons carried across sentences)."""
