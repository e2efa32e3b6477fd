-- Search across people: a full-text vector of each account's name and email address. SQLite keeps an external-content
-- FTS5 table (`users_fts`) in step by triggers; here a generated column does the same job with no triggers, and a GIN
-- index serves it. Deliberate dialect difference: the search queries differ per engine.
--
-- `search_fold` makes PostgreSQL's 'simple' parser split and fold words as SQLite's unicode61 tokenizer does (with
-- remove_diacritics): accented Latin letters lose their accents (the letters whose NFKD form is one ASCII letter and
-- marks, as the search terms are folded in src/search/module-index.ts), and the punctuation of an email address
-- separates words, so "sam.jones@example.org" is the words sam, jones, example, org rather than one email token. It
-- replaces character for character, so a match found in the folded text marks the same characters of the original
-- (src/search/search.sql.ts relies on that for highlighting).
CREATE FUNCTION search_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN translate($1,
    'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ@.+-_',
    'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzsOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYy     ');

ALTER TABLE users ADD COLUMN search tsvector GENERATED ALWAYS AS (
  to_tsvector('simple', search_fold(coalesce(name, '')) || ' ' || search_fold(coalesce(email, '')))
) STORED;
CREATE INDEX users_search ON users USING GIN (search);

-- The audit log filtered by action (and its checklist look-ups), newest first.
CREATE INDEX audit_log_action ON audit_log (action, id);
