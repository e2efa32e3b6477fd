-- LTI Advantage services (issue 31). A completion looks up the links to its module that have a gradebook column.
CREATE INDEX lti_resource_links_module ON lti_resource_links (module_id) WHERE lineitem_url IS NOT NULL;
