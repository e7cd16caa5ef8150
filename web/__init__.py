"""施策ナビ's web side: the page, the desk, insights and the public /ask API (beside the engine in bot/)."""
