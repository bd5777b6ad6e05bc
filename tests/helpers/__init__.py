"""Child-process programs the durability tests start, kill and inspect."""
