-- Issue 19 item 6 (languages): each staff account's own dashboard language, a culture name of the dashboard's
-- supported list (Iot.Dashboard/Localization/SupportedCultures: 'en', 'ru', 'uz-Latn', 'az-Latn'). Null = follow the
-- browser's Accept-Language, then English. No CHECK on the list: adding a language is a resource file and one line of
-- code, not a schema change; the dashboard validates the value (PUT /api/me/language) before it is written.
ALTER TABLE dashboard_users ADD COLUMN language text;
