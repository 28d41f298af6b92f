"""Reports of a document's findings as a reviewer reads them: an offline HTML page with thumbnails, JSON."""
