/* The schema, written once for both databases, and its migrations. {WORD} and {WORD:arg}
 * are the dialect's words (mm_word in sqlite.c and postgres.c): the column types, the JSON
 * checks, the append-only triggers and PostgreSQL's helper functions.
 *
 * migrations[i] takes the schema from version i to version i + 1: its number is its place in
 * the list, written once, in the comment above it. Never edit one that has shipped (databases
 * made by it exist); add a new one at the end: a comment "N: what and why", then its parts.
 * Each migration is a list of parts (ending with NULL), run in order in the one migration
 * transaction, only because C limits the length of one string literal. docs/store.md,
 * "Migrations". */
#include <stdio.h>

#include "mamori/store.h"
#include "store/driver.h"

/* clang-format off */
/* 17: notifications delivered (issue 18; src/store/notify.c, docs/notifications.md): a
 * notification's cause (one record per recipient and cause: what the periodic sweep writes is
 * idempotent) and when its deliveries were planned (fanned); each user's choices; the outbox
 * of email and webhook deliveries and every attempt. The notifications already there are
 * marked planned, so upgrading sends nothing old. */
static const char *const migration17[] = {
    "ALTER TABLE notifications ADD COLUMN cause {T};"
    "ALTER TABLE notifications ADD COLUMN fanned {T};"
    "UPDATE notifications SET fanned = created;"
    "CREATE UNIQUE INDEX notifications_cause ON notifications(recipient_org, cause);"
    "CREATE INDEX notifications_fanned ON notifications(fanned, id);"
    "CREATE TABLE notify_prefs ("
    "  user_id {INT64} PRIMARY KEY REFERENCES users(id),"
    "  events {T} NOT NULL CHECK ({ARRAY:events}),"
    "  channels {T} NOT NULL CHECK ({ARRAY:channels}),"
    "  email {T},"
    "  lang {T} NOT NULL CHECK (lang IN ('en', 'ja')),"
    "  digest {T} NOT NULL CHECK (digest IN ('none', 'hourly', 'daily')),"
    "  webhook_url {T},"
    "  webhook_secret {T},"
    "  updated {T} NOT NULL);"
    "CREATE TABLE notify_outbox ("
    "  id {ID},"
    "  notification_id {INT64} NOT NULL REFERENCES notifications(id),"
    "  user_id {INT64} NOT NULL REFERENCES users(id),"
    "  channel {T} NOT NULL CHECK (channel IN ('email', 'webhook')),"
    "  digest {T} NOT NULL CHECK (digest IN ('none', 'hourly', 'daily')),"
    "  state {T} NOT NULL CHECK (state IN ('pending', 'sent', 'dropped')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt {T} NOT NULL,"
    "  lease_until {T},"
    "  created {T} NOT NULL,"
    "  sent {T},"
    "  UNIQUE (notification_id, user_id, channel));"
    "CREATE INDEX notify_outbox_due ON notify_outbox(state, next_attempt);"
    "CREATE INDEX notify_outbox_user ON notify_outbox(user_id, id);"
    "CREATE TABLE notify_attempts ("
    "  id {ID},"
    "  outbox_id {INT64} NOT NULL REFERENCES notify_outbox(id),"
    "  at {T} NOT NULL,"
    "  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),"
    "  result {T} NOT NULL);"
    "CREATE INDEX notify_attempts_outbox ON notify_attempts(outbox_id, id);",
    NULL,
};

/* 18: read marks per user (issue 18; src/store/notify.c, docs/notifications.md): a user's
 * notifications read one by one (notification_reads), and each user's high-water mark (every
 * notification of its organization with an id up to upto is read, "mark all read"), so that
 * the header's unread count reads only the rows after the mark. The read marks of the
 * organization (notifications.read, no longer written) become read for each user the
 * organization has now, so nothing read turns unread. */
static const char *const migration18[] = {
    "CREATE TABLE notification_reads ("
    "  user_id {INT64} NOT NULL REFERENCES users(id),"
    "  notification_id {INT64} NOT NULL REFERENCES notifications(id),"
    "  at {T} NOT NULL,"
    "  PRIMARY KEY (user_id, notification_id));"
    "CREATE TABLE notification_read_marks ("
    "  user_id {INT64} PRIMARY KEY REFERENCES users(id),"
    "  upto {INT64} NOT NULL,"
    "  at {T} NOT NULL);"
    "INSERT INTO notification_reads (user_id, notification_id, at)"
    "  SELECT u.id, n.id, n.read FROM notifications n JOIN users u ON u.org_id = n.recipient_org"
    "  WHERE n.read IS NOT NULL;"
    "CREATE INDEX notifications_org_id ON notifications(recipient_org, id);",
    NULL,
};

static const char *const *const migrations[] = {
    /* 1: the first schema */
    (const char *const[]){
        "{PG_FUNCTIONS}"
        "CREATE TABLE organizations ("
        "  id {T} PRIMARY KEY,"
        "  kind {T} NOT NULL CHECK (kind IN ('authority', 'contractor')),"
        "  name {T} NOT NULL,"
        "  identifiers {T} NOT NULL DEFAULT '{}' CHECK ({JSON:identifiers}),"
        "  parent_id {T} REFERENCES organizations(id),"
        "  created {T} NOT NULL);"
        "CREATE TABLE users ("
        "  id {ID},"
        "  org_id {T} NOT NULL REFERENCES organizations(id),"
        "  login {T} NOT NULL UNIQUE,"
        "  role {T} NOT NULL CHECK (role IN ('authority-admin', 'authority-analyst',"
        "                                     'contractor-admin', 'contractor-member')),"
        "  password_hash {T} NOT NULL,"
        "  failed_logons INTEGER NOT NULL DEFAULT 0,"
        "  locked_until {T},"
        "  disabled {BOOL} NOT NULL DEFAULT {FALSE},"
        "  created {T} NOT NULL);"
        "CREATE INDEX users_org ON users(org_id);"
        "CREATE TABLE api_tokens ("
        "  id {ID},"
        "  user_id {INT64} NOT NULL REFERENCES users(id),"
        "  token_hash {T} NOT NULL UNIQUE,"
        "  name {T} NOT NULL DEFAULT '',"
        "  created {T} NOT NULL,"
        "  expires {T},"
        "  revoked {T});"
        "CREATE TABLE sessions ("
        "  id_hash {T} PRIMARY KEY,"
        "  user_id {INT64} NOT NULL REFERENCES users(id),"
        "  csrf_hash {T} NOT NULL,"
        "  created {T} NOT NULL,"
        "  last_seen {T} NOT NULL,"
        "  expires {T} NOT NULL);",
        "CREATE TABLE signing_keys ("
        "  id {ID},"
        "  org_id {T} NOT NULL REFERENCES organizations(id),"
        "  public_key {T} NOT NULL UNIQUE,"
        "  created {T} NOT NULL,"
        "  revoked {T});"
        "CREATE TABLE submissions ("
        "  id {T} PRIMARY KEY,"
        "  org_id {T} NOT NULL REFERENCES organizations(id),"
        "  key_id {INT64} NOT NULL REFERENCES signing_keys(id),"
        "  received {T} NOT NULL,"
        "  body {T} NOT NULL,"
        "  body_hash {T} NOT NULL,"
        "  signature {T} NOT NULL,"
        "  score INTEGER,"
        "  affirmed_by {T} NOT NULL,"
        "  affirmed_on {T} NOT NULL,"
        "  supersedes {T} REFERENCES submissions(id));"
        "CREATE INDEX submissions_org ON submissions(org_id, received);"
        "{IMMUTABLE:submissions:submissions are immutable}"
        "CREATE TABLE audit_log ("
        "  id {AUDIT_ID},"
        "  prev_hash {T} NOT NULL,"
        "  hash {T} NOT NULL,"
        "  ts {T} NOT NULL,"
        "  actor {T} NOT NULL,"
        "  action {T} NOT NULL,"
        "  object {T} NOT NULL,"
        "  detail {T} NOT NULL);"
        "{IMMUTABLE:audit_log:the audit log is append-only}"
        "{AUDIT_ISSUED}",
        NULL},
    /* 2: the server: logon state, consent, sessions by id, key ids, submission summaries,
     * gaps and milestones for the authority's views, the server's receipt key */
    (const char *const[]){
        "ALTER TABLE users ADD COLUMN must_change {BOOL} NOT NULL DEFAULT {FALSE};"
        "ALTER TABLE users ADD COLUMN failed_since {T};"
        "ALTER TABLE organizations ADD COLUMN prime_consent {BOOL} NOT NULL DEFAULT {FALSE};"
        "ALTER TABLE organizations ADD COLUMN latest_submission {T} REFERENCES submissions(id);"
        "CREATE INDEX organizations_kind_name ON organizations(kind, name);"
        "CREATE INDEX organizations_parent ON organizations(parent_id);"
        "DROP TABLE sessions;"
        "CREATE TABLE sessions ("
        "  id {T} PRIMARY KEY,"
        "  secret_hash {T} NOT NULL,"
        "  csrf {T} NOT NULL,"
        "  user_id {INT64} NOT NULL REFERENCES users(id),"
        "  created {T} NOT NULL,"
        "  last_seen {T} NOT NULL,"
        "  expires {T} NOT NULL);"
        "CREATE INDEX sessions_user ON sessions(user_id);"
        "CREATE INDEX api_tokens_user ON api_tokens(user_id);"
        "ALTER TABLE signing_keys ADD COLUMN key_id {T};"
        "ALTER TABLE signing_keys ADD COLUMN label {T} NOT NULL DEFAULT '';"
        "CREATE INDEX signing_keys_org_key ON signing_keys(org_id, key_id);"
        "ALTER TABLE submissions ADD COLUMN framework {T};"
        "ALTER TABLE submissions ADD COLUMN status {T};"
        "ALTER TABLE submissions ADD COLUMN assessed {T};"
        "ALTER TABLE submissions ADD COLUMN summary {T} NOT NULL DEFAULT '{}'"
        "  CHECK ({JSON:summary});"
        "CREATE UNIQUE INDEX submissions_body_hash ON submissions(body_hash);",
        "CREATE TABLE submission_gaps ("
        "  id {ID},"
        "  submission_id {T} NOT NULL REFERENCES submissions(id),"
        "  requirement {T} NOT NULL,"
        "  status {T} NOT NULL CHECK (status IN ('not-met', 'partial', 'not-assessed')));"
        "CREATE INDEX submission_gaps_submission ON submission_gaps(submission_id, requirement);"
        "CREATE TABLE submission_milestones ("
        "  id {ID},"
        "  submission_id {T} NOT NULL REFERENCES submissions(id),"
        "  requirement {T} NOT NULL,"
        "  poam_id {T} NOT NULL DEFAULT '',"
        "  description {T} NOT NULL DEFAULT '',"
        "  due {T} NOT NULL,"
        "  status {T} NOT NULL CHECK (status IN ('planned', 'in-progress', 'completed')));"
        "CREATE INDEX submission_milestones_submission"
        " ON submission_milestones(submission_id, due);"
        "{IMMUTABLE:submission_gaps:submissions are immutable}"
        "{IMMUTABLE:submission_milestones:submissions are immutable}"
        "CREATE TABLE server_keys ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1),"
        "  public_key {T} NOT NULL,"
        "  secret_key {T} NOT NULL,"
        "  created {T} NOT NULL);",
        NULL},
    /* 3: shared threat information under TLP 2.0 (share.c, docs/sharing.md): communities
     * and their members, items with one label each, their named recipients and the
     * originator's recorded permissions to redistribute */
    (const char *const[]){
        "{PG_ARRAY_FUNCTION}"
        "CREATE TABLE communities ("
        "  id {T} PRIMARY KEY,"
        "  name {T} NOT NULL UNIQUE,"
        "  description {T} NOT NULL DEFAULT '',"
        "  created {T} NOT NULL);"
        "CREATE TABLE community_members ("
        "  id {ID},"
        "  community_id {T} NOT NULL REFERENCES communities(id),"
        "  org_id {T} NOT NULL REFERENCES organizations(id),"
        "  added {T} NOT NULL,"
        "  UNIQUE (community_id, org_id));"
        "CREATE INDEX community_members_org ON community_members(org_id);"
        "CREATE TABLE shared_items ("
        "  id {T} PRIMARY KEY,"
        "  kind {T} NOT NULL DEFAULT 'report' CHECK (kind IN ('report', 'incident')),"
        "  originator_org {T} NOT NULL REFERENCES organizations(id),"
        "  originator_user {INT64} REFERENCES users(id),"
        "  tlp {T} NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),"
        "  community_id {T} REFERENCES communities(id),"
        "  title {T} NOT NULL,"
        "  body {T} NOT NULL DEFAULT '{}' CHECK ({OBJECT:body}),"
        "  sources {T} NOT NULL DEFAULT '[]' CHECK ({ARRAY:sources}),"
        "  created {T} NOT NULL,"
        "  modified {T} NOT NULL);",
        "CREATE TABLE item_recipients ("
        "  id {ID},"
        "  item_id {T} NOT NULL REFERENCES shared_items(id),"
        "  org_id {T} REFERENCES organizations(id),"
        "  user_id {INT64} REFERENCES users(id),"
        "  added {T} NOT NULL,"
        "  added_by {T} NOT NULL,"
        "  CHECK ((org_id IS NULL) <> (user_id IS NULL)));"
        "CREATE INDEX item_recipients_item ON item_recipients(item_id);"
        "CREATE TABLE item_permissions ("
        "  id {ID},"
        "  item_id {T} NOT NULL REFERENCES shared_items(id),"
        "  grantee_org {T} NOT NULL REFERENCES organizations(id),"
        "  what {T} NOT NULL DEFAULT '{}' CHECK ({OBJECT:what}),"
        "  granted_by {T} NOT NULL,"
        "  granted {T} NOT NULL);"
        "CREATE INDEX item_permissions_item ON item_permissions(item_id, grantee_org);",
        NULL},
    /* 4: incident reports (incident.c): each one a shared item of kind 'incident' for its
     * label and recipients, and this row for its details and deadline */
    (const char *const[]){
        "CREATE TABLE incidents ("
        "  id {ID},"
        "  item_id {T} NOT NULL UNIQUE REFERENCES shared_items(id),"
        "  org_id {T} NOT NULL REFERENCES organizations(id),"
        "  report_type {T} NOT NULL CHECK (report_type IN ('initial', 'follow-on', 'voluntary')),"
        "  initial_id {INT64} REFERENCES incidents(id),"
        "  report_number {T} NOT NULL UNIQUE,"
        "  discovered {T} NOT NULL,"
        "  discovered_offset {INT64} NOT NULL,"
        "  reported {T} NOT NULL,"
        "  due {T} NOT NULL,"
        "  preserve_until {T} NOT NULL,"
        "  body {T} NOT NULL CHECK ({OBJECT:body}),"
        "  sub_report_number {T},"
        "  created {T} NOT NULL,"
        "  CHECK ((report_type = 'follow-on') = (initial_id IS NOT NULL)));"
        "CREATE INDEX incidents_org ON incidents(org_id);",
        NULL},
    /* 5: need-to-know under TLP 2.0 (docs/sharing.md "Re-sharing"): re-shares of AMBER items
     * by a recipient to its clients. Never widens: an incident report labelled wider than
     * AMBER+STRICT becomes AMBER+STRICT (its recipients are the reporter and the authority);
     * visibility that came from being a "client" is gone with the rule itself
     * (mm_tlp_may_read), with no re-share recorded for it. */
    (const char *const[]){
        "CREATE TABLE item_reshares ("
        "  id {ID},"
        "  item_id {T} NOT NULL REFERENCES shared_items(id),"
        "  from_org {T} NOT NULL REFERENCES organizations(id),"
        "  to_org {T} NOT NULL REFERENCES organizations(id),"
        "  reshared_by {T} NOT NULL,"
        "  reshared {T} NOT NULL,"
        "  UNIQUE (item_id, to_org));"
        "CREATE INDEX item_reshares_item ON item_reshares(item_id);"
        "UPDATE shared_items SET tlp = 'AMBER+STRICT', community_id = NULL"
        "  WHERE kind = 'incident' AND tlp IN ('CLEAR', 'GREEN', 'AMBER');",
        NULL},
    /* 6: annual affirmations (32 CFR 170.22; affirmations.c): the affirming official's signed
     * statement that the organization's latest submission still holds */
    (const char *const[]){
        "CREATE TABLE affirmations ("
        "  id {T} PRIMARY KEY,"
        "  org_id {T} NOT NULL REFERENCES organizations(id),"
        "  submission_id {T} NOT NULL REFERENCES submissions(id),"
        "  key_id {INT64} NOT NULL REFERENCES signing_keys(id),"
        "  affirmed_by {T} NOT NULL,"
        "  affirmed_on {T} NOT NULL,"
        "  received {T} NOT NULL,"
        "  received_by {T} NOT NULL,"
        "  body {T} NOT NULL,"
        "  body_hash {T} NOT NULL UNIQUE,"
        "  signature {T} NOT NULL);"
        "CREATE INDEX affirmations_org ON affirmations(org_id, received);"
        "CREATE INDEX affirmations_submission ON affirmations(submission_id, affirmed_on);"
        "{IMMUTABLE:affirmations:affirmations are immutable}",
        NULL},
    /* 7: account administration (src/server/users.c): a deleted user
     * keeps its row (the audit log, items and tokens name it) under the login
     * "deleted:ID"; its login is kept in deleted_login and cannot be taken again before
     * login_reusable */
    (const char *const[]){
        "ALTER TABLE users ADD COLUMN deleted {T};"
        "ALTER TABLE users ADD COLUMN deleted_login {T};"
        "ALTER TABLE users ADD COLUMN login_reusable {T};"
        "CREATE INDEX users_deleted_login ON users(deleted_login);",
        NULL},
    /* 8: a replay is the same document from the same organization; another
     * organization's copy of the same envelope is its own submission, so that a refusal
     * never tells one organization what another has sent (docs/api.md, "Submissions") */
    (const char *const[]){
        "DROP INDEX submissions_body_hash;"
        "CREATE UNIQUE INDEX submissions_org_body_hash ON submissions(org_id, body_hash);",
        NULL},
    /* 9: the organization's latest submission, copied onto its row
     * (mm_store_insert_submission keeps them in step in the submission's transaction), so that
     * the contractor list reads one small row per organization instead of joining every
     * contractor's latest submission (whose columns sit after its body, in overflow pages on
     * SQLite); backfilled from the submissions already there */
    (const char *const[]){
        "ALTER TABLE organizations ADD COLUMN latest_received {T};"
        "ALTER TABLE organizations ADD COLUMN latest_framework {T};"
        "ALTER TABLE organizations ADD COLUMN latest_score INTEGER;"
        "ALTER TABLE organizations ADD COLUMN latest_status {T};"
        "ALTER TABLE organizations ADD COLUMN latest_assessed {T};"
        "ALTER TABLE organizations ADD COLUMN latest_affirmed_by {T};"
        MM_ORG_LATEST_REFRESH ";",
        NULL},
    /* 10: IoT products and the security labels they hold (products.c, docs/iot.md): a product
     * belongs to its manufacturer (an organization); a label names its scheme, level, id, dates
     * and the hash of its evidence file. Labels are kept when they expire: recognition reads
     * the dates. */
    (const char *const[]){
        "CREATE TABLE products ("
        "  id {T} PRIMARY KEY,"
        "  org_id {T} NOT NULL REFERENCES organizations(id),"
        "  name {T} NOT NULL,"
        "  model {T} NOT NULL,"
        "  firmware {T} NOT NULL,"
        "  created {T} NOT NULL,"
        "  created_by {T} NOT NULL,"
        "  UNIQUE (org_id, name, model, firmware));"
        "CREATE INDEX products_org ON products(org_id);"
        "CREATE TABLE product_labels ("
        "  id {ID},"
        "  product_id {T} NOT NULL REFERENCES products(id),"
        "  scheme {T} NOT NULL,"
        "  level {T} NOT NULL DEFAULT '',"
        "  label_id {T} NOT NULL,"
        "  issued {T} NOT NULL,"
        "  expires {T},"
        "  evidence_sha256 {T},"
        "  evidence_ref {T},"
        "  added {T} NOT NULL,"
        "  added_by {T} NOT NULL,"
        "  UNIQUE (product_id, scheme, label_id));"
        "CREATE INDEX product_labels_product ON product_labels(product_id);",
        NULL},
    /* 11: TAXII 2.1 (src/server/taxii.c, docs/taxii.md): the status
     * resource of each POST of an envelope, readable again by the user that posted it; and the
     * federation log: each item pushed to, pulled from, withheld from or refused from a peer */
    (const char *const[]){
        "CREATE TABLE taxii_status ("
        "  id {T} PRIMARY KEY,"
        "  user_id {INT64} NOT NULL REFERENCES users(id),"
        "  org_id {T} NOT NULL REFERENCES organizations(id),"
        "  collection {T} NOT NULL,"
        "  created {T} NOT NULL,"
        "  body {T} NOT NULL);"
        "CREATE INDEX taxii_status_user ON taxii_status(user_id, created);"
        "{IMMUTABLE:taxii_status:a TAXII status resource is immutable};"
        /* federation (src/server/federation.c): what went to or came from each peer, once */
        "CREATE TABLE federation_log ("
        "  id {ID},"
        "  peer {T} NOT NULL,"
        "  direction {T} NOT NULL CHECK (direction IN ('push', 'pull', 'withheld', 'refused')),"
        "  ref {T} NOT NULL,"
        "  item_id {T},"
        "  at {T} NOT NULL,"
        "  UNIQUE (peer, direction, ref));"
        "{IMMUTABLE:federation_log:the federation log is append-only}",
        NULL},
    /* 12: clearances and gated items (gates.c; docs/sharing.md, "Gated items"): a user's
     * clearances and an organization's facility certifications as records, the authority's
     * policy table (empty: no row is shipped), need-to-know groups and their members, an item's
     * gates, a user's nationality and an organization's country */
    (const char *const[]){
        "CREATE TABLE clearances ("
        "  id {ID},"
        "  user_id {INT64} REFERENCES users(id),"
        "  org_id {T} REFERENCES organizations(id),"
        "  regime {T} NOT NULL,"
        "  level {T} NOT NULL,"
        "  granting_body {T} NOT NULL,"
        "  granted {T} NOT NULL,"
        "  expires {T},"
        "  evidence {T} NOT NULL,"
        "  recorded {T} NOT NULL,"
        "  recorded_by {T} NOT NULL,"
        "  revoked {T},"
        "  CHECK ((user_id IS NULL) <> (org_id IS NULL)),"
        "  CHECK (expires IS NULL OR expires >= granted));"
        "CREATE INDEX clearances_user ON clearances(user_id);"
        "CREATE INDEX clearances_org ON clearances(org_id);"
        "CREATE TABLE clearance_policy ("
        "  id {ID},"
        "  held_regime {T} NOT NULL,"
        "  held_level {T} NOT NULL,"
        "  required_regime {T} NOT NULL,"
        "  required_level {T} NOT NULL,"
        "  source {T} NOT NULL,"
        "  added {T} NOT NULL,"
        "  added_by {T} NOT NULL,"
        "  UNIQUE (held_regime, held_level, required_regime, required_level));"
        "CREATE TABLE ntk_groups ("
        "  id {T} PRIMARY KEY,"
        "  name {T} NOT NULL UNIQUE,"
        "  owner_org {T} NOT NULL REFERENCES organizations(id),"
        "  hide_members {BOOL} NOT NULL,"
        "  created {T} NOT NULL);"
        "CREATE TABLE ntk_members ("
        "  id {ID},"
        "  group_id {T} NOT NULL REFERENCES ntk_groups(id),"
        "  user_id {INT64} NOT NULL REFERENCES users(id),"
        "  manager {BOOL} NOT NULL,"
        "  added {T} NOT NULL,"
        "  added_by {T} NOT NULL,"
        "  UNIQUE (group_id, user_id));"
        "CREATE INDEX ntk_members_user ON ntk_members(user_id);"
        "CREATE TABLE item_gates ("
        "  item_id {T} PRIMARY KEY REFERENCES shared_items(id),"
        "  clearance_regime {T},"
        "  clearance_level {T},"
        "  facility {BOOL} NOT NULL,"
        "  ntk_group {T} REFERENCES ntk_groups(id),"
        "  nationalities {T} NOT NULL CHECK ({ARRAY:nationalities}),"
        "  org_countries {T} NOT NULL CHECK ({ARRAY:org_countries}),"
        "  CHECK ((clearance_regime IS NULL) = (clearance_level IS NULL)));"
        "CREATE TABLE user_nationality ("
        "  user_id {INT64} PRIMARY KEY REFERENCES users(id),"
        "  nationality {T} NOT NULL);"
        "CREATE TABLE org_country ("
        "  org_id {T} PRIMARY KEY REFERENCES organizations(id),"
        "  country {T} NOT NULL);",
        NULL},
    /* 13: the supply chain (supply.c, docs/supply-chain.md): supply edges many to many, created
     * by the customer and confirmed by the supplier; each supplier's consent per customer (and
     * whether its status may be passed further up); what the authority states a clause without
     * available text requires; organizations' sector and country; notifications */
    (const char *const[]){
        "CREATE TABLE supply_edges ("
        "  id {T} PRIMARY KEY,"
        "  supplier_id {T} NOT NULL REFERENCES organizations(id),"
        "  customer_id {T} NOT NULL REFERENCES organizations(id),"
        "  contract {T} NOT NULL,"
        "  clauses {T} NOT NULL DEFAULT '[]' CHECK ({ARRAY:clauses}),"
        "  handles {T} NOT NULL DEFAULT '[]' CHECK ({ARRAY:handles}),"
        "  tier_hint INTEGER,"
        "  since {T},"
        "  until {T},"
        "  state {T} NOT NULL CHECK (state IN ('proposed', 'active', 'ended')),"
        "  created {T} NOT NULL,"
        "  created_by {T} NOT NULL,"
        "  confirmed {T},"
        "  confirmed_by {T},"
        "  ended {T},"
        "  ended_by {T},"
        "  CHECK (supplier_id <> customer_id));"
        "CREATE INDEX supply_edges_customer ON supply_edges(customer_id, state, supplier_id);"
        "CREATE INDEX supply_edges_supplier ON supply_edges(supplier_id, state, customer_id);"
        "CREATE UNIQUE INDEX supply_edges_open ON supply_edges(supplier_id, customer_id, contract)"
        "  WHERE state <> 'ended';"
        "CREATE TABLE supply_consent ("
        "  id {ID},"
        "  supplier_id {T} NOT NULL REFERENCES organizations(id),"
        "  customer_id {T} NOT NULL REFERENCES organizations(id),"
        "  pass_up INTEGER NOT NULL DEFAULT 0 CHECK (pass_up IN (0, 1)),"
        "  granted {T} NOT NULL,"
        "  granted_by {T} NOT NULL);"
        "CREATE UNIQUE INDEX supply_consent_pair ON supply_consent(supplier_id, customer_id);"
        "CREATE INDEX supply_consent_customer ON supply_consent(customer_id, supplier_id);"
        "CREATE TABLE clause_statements ("
        "  clause_id {T} PRIMARY KEY,"
        "  text {T} NOT NULL,"
        "  check_rule {T},"
        "  stated {T} NOT NULL,"
        "  stated_by {T} NOT NULL);"
        "CREATE TABLE org_profiles ("
        "  org_id {T} PRIMARY KEY REFERENCES organizations(id),"
        "  sector {T},"
        "  country {T});"
        "CREATE INDEX org_profiles_sector ON org_profiles(sector, country);"
        "CREATE TABLE notifications ("
        "  id {ID},"
        "  recipient_org {T} NOT NULL REFERENCES organizations(id),"
        "  kind {T} NOT NULL,"
        "  subject {T} NOT NULL,"
        "  detail {T} NOT NULL DEFAULT '{}' CHECK ({OBJECT:detail}),"
        "  created {T} NOT NULL,"
        "  read {T});"
        "CREATE INDEX notifications_recipient ON notifications(recipient_org, read, created);",
        NULL},
    /* 14: more than one receipt key: the newest row is the current key, the older ones are
     * retired and kept so that receipts signed with them still verify (mm_store_server_key_rotate;
     * docs/operations.md). The table is rebuilt without its CHECK (id = 1), the same SQL on both
     * back ends. */
    (const char *const[]){
        "CREATE TABLE server_keys_v14 ("
        "  id INTEGER PRIMARY KEY,"
        "  public_key {T} NOT NULL,"
        "  secret_key {T} NOT NULL,"
        "  created {T} NOT NULL);"
        "INSERT INTO server_keys_v14 (id, public_key, secret_key, created)"
        "  SELECT id, public_key, secret_key, created FROM server_keys;"
        "DROP TABLE server_keys;"
        "ALTER TABLE server_keys_v14 RENAME TO server_keys;",
        NULL},
    /* 15: one place for an organization's country: org_profiles (the supply chain's sector and
     * country) also answers the gated reads' organization-country condition, which read
     * org_country (migration 12). org_country's rows move into org_profiles, and where both named
     * a country, org_country's wins (it is the one the gates decided on, so no gated read changes
     * its answer by this migration); then org_country is dropped. */
    (const char *const[]){
        "UPDATE org_profiles SET country = (SELECT oc.country FROM org_country oc"
        "  WHERE oc.org_id = org_profiles.org_id)"
        "  WHERE org_id IN (SELECT org_id FROM org_country);"
        "INSERT INTO org_profiles (org_id, sector, country)"
        "  SELECT oc.org_id, NULL, oc.country FROM org_country oc"
        "  WHERE oc.org_id NOT IN (SELECT org_id FROM org_profiles);"
        "DROP TABLE org_country;",
        NULL},
    /* 16: critical infrastructure (issue 16; src/store/screen.c, docs/screening.md): an
     * organization's sector from the ESPA list and, for a designated operator, its designation
     * (date, ministry); installation plans, their examination clock and every move of it */
    (const char *const[]){
        "CREATE TABLE org_sectors ("
        "  org_id {T} PRIMARY KEY REFERENCES organizations(id),"
        "  sector {T} NOT NULL,"
        "  designated {T},"
        "  ministry {T},"
        "  recorded {T} NOT NULL,"
        "  recorded_by {T} NOT NULL,"
        "  CHECK ((designated IS NULL) = (ministry IS NULL)));"
        "CREATE INDEX org_sectors_sector ON org_sectors(sector, org_id);"
        "CREATE TABLE install_plans ("
        "  id {T} PRIMARY KEY,"
        "  operator_id {T} NOT NULL REFERENCES organizations(id),"
        "  sector {T} NOT NULL,"
        "  plan {T} NOT NULL CHECK ({OBJECT:plan}),"
        "  state {T} NOT NULL CHECK (state IN ('submitted', 'under-examination', 'extended',"
        "    'cleared', 'recommendation', 'order', 'withdrawn')),"
        "  filed {T} NOT NULL,"
        "  filed_by {T} NOT NULL,"
        "  due {T} NOT NULL,"
        "  updated {T} NOT NULL);"
        "CREATE INDEX install_plans_operator ON install_plans(operator_id, state);"
        "CREATE INDEX install_plans_due ON install_plans(state, due);"
        "CREATE TABLE install_plan_events ("
        "  id {ID},"
        "  plan_id {T} NOT NULL REFERENCES install_plans(id),"
        "  at {T} NOT NULL,"
        "  by_user {T} NOT NULL,"
        "  from_state {T},"
        "  to_state {T} NOT NULL,"
        "  due {T} NOT NULL,"
        "  reason {T});"
        "CREATE INDEX install_plan_events_plan ON install_plan_events(plan_id, id);",
        NULL},
    /* 17: notifications delivered: causes, preferences, the outbox and its attempts
     * (migration17 above; issue 18) */
    migration17,
    /* 18: read marks per user (migration18 above; issue 18) */
    migration18,
    /* 19: the audit log read by action and by actor, newest first (GET /api/v1/audit,
     * src/store/audit.c mm_store_audit_list; docs/store.md "Reading the audit log") */
    (const char *const[]){"CREATE INDEX audit_log_action ON audit_log(action, id);"
                          "CREATE INDEX audit_log_actor ON audit_log(actor, id);",
                          NULL},
    /* 20: the contractor list's default order (orgs.c: kind, then lower(name), then id) read
     * from an index, so that its first page needs no sort of every organization */
    (const char *const[]){
        "CREATE INDEX organizations_kind_lname ON organizations(kind, lower(name), id);",
        NULL},
};
/* clang-format on */

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int mm_store_schema_latest(void)
{
    return NMIGRATIONS;
}

int mm_store_schema_version(mm_store *s, int *out)
{
    int64_t v = 0;
    int rc = mm_db_int(s, &v, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL);
    *out = (int)v;
    return rc;
}

int mm_schema_migrate(mm_store *s)
{
    int rc = s->drv->begin(s->db, MM_TX_MIGRATE);
    if (rc)
        return rc;
    int version = 0;
    rc = mm_db_exec(s,
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    "  version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
                    0, NULL, NULL, NULL, NULL);
    if (rc == MM_OK)
        rc = mm_store_schema_version(s, &version);
    if (rc == MM_OK && version > NMIGRATIONS) {
        mm_error_set("schema version %d is newer than this mamori knows (%d)", version,
                     NMIGRATIONS);
        rc = MM_EINVALID;
    }
    /* every migration not yet recorded, in order (a database's versions are 1..max; a test
     * may take one back out to run it again) */
    for (int v = 0; rc == MM_OK && v < NMIGRATIONS; v++) {
        int64_t done = 0;
        const mm_param q[] = {P_INT(v + 1)};
        rc = mm_db_int(s, &done, "SELECT count(*) FROM schema_version WHERE version = $1", 1, q);
        if (rc != MM_OK || done)
            continue;
        for (const char *const *part = migrations[v]; rc == MM_OK && *part; part++)
            rc = mm_db_exec(s, *part, 0, NULL, NULL, NULL, NULL);
        char ts[21];
        mm_now(ts);
        const mm_param p[] = {P_INT(v + 1), P_TEXT(ts)};
        if (rc == MM_OK)
            rc = mm_db_exec(s, "INSERT INTO schema_version (version, applied) VALUES ($1, $2)", 2,
                            p, NULL, NULL, NULL);
        if (rc) {
            char msg[600];
            snprintf(msg, sizeof(msg), "%s", mm_error_last());
            mm_error_set("migration %d: %s", v + 1, msg);
        }
    }
    if (rc == MM_OK)
        return s->drv->commit(s->db);
    s->drv->rollback(s->db);
    return rc;
}
