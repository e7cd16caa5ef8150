"""施策ナビ: match an owner's problem to the document's strategy directions and programs."""
