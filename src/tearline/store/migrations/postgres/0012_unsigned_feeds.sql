-- Unsigned feeds (#11): a TAXII 2.1 server that is not a Tearline node (medallion, a vendor's
-- feed) registered explicitly as such. Its objects are unsigned; they are labelled only from
-- a recognised marking (TLP 2.0) or the default marking the officer gave here, and never
-- shared on. kind: 'node' (a Tearline peer, signed) or 'feed'.
ALTER TABLE peers ADD COLUMN kind TEXT NOT NULL DEFAULT 'node';
ALTER TABLE peers ADD COLUMN feed_marking TEXT;
