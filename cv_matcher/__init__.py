"""cv-matcher: read CVs and job adverts and place them on the PMO career ladder, with evidence."""
