-- The text of the footnotes linked to a fact (sec/xbrl.py Fact.footnote: inline XBRL's
-- ix:footnote and ix:relationship, an instance's link:footnoteLink), whole; NULL when it has
-- none. SEC's data sets cut it at 512 characters, in the export (sec/fsds.py).
ALTER TABLE facts ADD COLUMN footnote text;
