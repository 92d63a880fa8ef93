"""Purchase drafts: a bill photo read into editable lines, confirmed into a real purchase."""
