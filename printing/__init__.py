"""Documents to print: an HTML template made into a PDF in memory (docs/documents.md).

The one renderer every app's documents go through. It knows Django and ``accounts`` (who printed)
and nothing of cases, referrals or the trail: each document is read, checked and recorded by its
own app's selector, and only rendered here.
"""
