"""Who may reach each URL. The test suite walks every URL pattern: one missing here fails it.

- ``PUBLIC``: anyone, on purpose (the view is marked ``login_not_required``).
- ``AUTHENTICATED``: any logged-in user; pages show only the acting organisation's data.
- ``ORGANISATION_ADMIN``: administrators of the acting organisation, for that organisation only.
- ``COALITION_MEMBER``: users whose acting organisation belongs to the coalition or one below it.
- ``API``: the JSON API; it authenticates each request itself and answers 401 without a session.
- ``SERVICE_STAFF``: service staff and administrators of the acting organisation, for its own
  directory services only (availability, adding and editing services and places); anyone else
  gets 404.
- ``DIRECTORY_MANAGER``: administrators and coordinators of the acting organisation: directory
  import and export.
- ``COORDINATOR``: coordinators of the acting organisation, for the coalitions it belongs to.
- ``ORGANISATION_EDITOR``: administrators and coordinators of the acting organisation, for that
  organisation only (its mandate, its definitions in the glossary); anyone else gets 404.
- ``METRICS``: a monitoring scraper sending the bearer token ``ARRIMAGE_METRICS_TOKEN``; to
  anyone else (and to everyone when no token is set) 404. No login.
"""

from enum import StrEnum


class Access(StrEnum):
    PUBLIC = "public"
    AUTHENTICATED = "authenticated"
    ORGANISATION_ADMIN = "organisation_admin"
    COALITION_MEMBER = "coalition_member"
    API = "api"
    SERVICE_STAFF = "service_staff"
    DIRECTORY_MANAGER = "directory_manager"
    COORDINATOR = "coordinator"
    ORGANISATION_EDITOR = "organisation_editor"
    METRICS = "metrics"


URL_POLICY: dict[str, Access] = {
    "core:welcome": Access.PUBLIC,
    "core:health": Access.PUBLIC,
    "metrics": Access.METRICS,
    # A background task's page: only the user who started it, acting for the same
    # organisation; anyone else gets 404.
    "core:task": Access.AUTHENTICATED,
    "core:task_state": Access.AUTHENTICATED,
    "core:task_file": Access.AUTHENTICATED,
    "home:home": Access.AUTHENTICATED,
    "home:availability_confirm": Access.AUTHENTICATED,
    "accounts:login": Access.PUBLIC,
    "accounts:login_code": Access.PUBLIC,
    "accounts:language": Access.PUBLIC,
    "accounts:password_reset": Access.PUBLIC,
    "accounts:password_reset_done": Access.PUBLIC,
    "accounts:password_reset_confirm": Access.PUBLIC,
    "accounts:password_reset_complete": Access.PUBLIC,
    "accounts:logout": Access.AUTHENTICATED,
    "accounts:profile": Access.AUTHENTICATED,
    "accounts:password_change": Access.AUTHENTICATED,
    "accounts:two_factor": Access.AUTHENTICATED,
    "accounts:two_factor_enrol": Access.AUTHENTICATED,
    "accounts:recovery_codes": Access.AUTHENTICATED,
    "accounts:two_factor_disable": Access.AUTHENTICATED,
    "accounts:organisation_switch": Access.AUTHENTICATED,
    "accounts:members": Access.ORGANISATION_ADMIN,
    "accounts:member_role": Access.ORGANISATION_ADMIN,
    "accounts:member_remove": Access.ORGANISATION_ADMIN,
    "coalition:list": Access.AUTHENTICATED,
    # The API answers 401 itself (session auth with CSRF, two-factor where required).
    "api:api-root": Access.API,
    # The API's description is public on purpose: it carries no data.
    "api:openapi-json": Access.PUBLIC,
    "api:openapi-view": Access.PUBLIC,
    "api:me": Access.API,
    "coalition:detail": Access.COALITION_MEMBER,
    # A coalition's life (issue 15 item 5): members read its announcements, minutes, decisions
    # and training sessions; only its coordinators write them (POST); the onboarding checklist
    # for its coordinators (every member) and administrators (their own organisation), who
    # alone sign the agreement for it. Anyone else gets 404.
    "coalition:announcements": Access.COALITION_MEMBER,
    "coalition:minutes": Access.COALITION_MEMBER,
    "coalition:decisions": Access.COALITION_MEMBER,
    "coalition:trainings": Access.COALITION_MEMBER,
    "coalition:training": Access.COALITION_MEMBER,
    "coalition:onboarding": Access.COALITION_MEMBER,
    "coalition:agreement_sign": Access.COALITION_MEMBER,
    # Cases (issue 4): every page applies the policy itself; denied answers 404.
    "cases:worklist": Access.AUTHENTICATED,
    "cases:create": Access.AUTHENTICATED,
    "cases:search": Access.AUTHENTICATED,
    "cases:notifications": Access.AUTHENTICATED,
    "cases:calendar": Access.AUTHENTICATED,
    # The feed authenticates by its secret token and carries no personal detail.
    "cases:calendar_feed": Access.PUBLIC,
    "cases:detail": Access.AUTHENTICATED,
    "cases:status": Access.AUTHENTICATED,
    "cases:person_edit": Access.AUTHENTICATED,
    "cases:legal_edit": Access.AUTHENTICATED,
    "cases:note_add": Access.AUTHENTICATED,
    "cases:task_add": Access.AUTHENTICATED,
    "cases:task_done": Access.AUTHENTICATED,
    "cases:need_add": Access.AUTHENTICATED,
    "cases:need_status": Access.AUTHENTICATED,
    "cases:goal_add": Access.AUTHENTICATED,
    "cases:document_add": Access.AUTHENTICATED,
    "cases:document_download": Access.AUTHENTICATED,
    "cases:exploitation_edit": Access.AUTHENTICATED,
    "cases:immigration_edit": Access.AUTHENTICATED,
    "cases:health_add": Access.AUTHENTICATED,
    "cases:consents": Access.AUTHENTICATED,
    "cases:consent_withdraw": Access.AUTHENTICATED,
    "cases:consent_summary": Access.AUTHENTICATED,
    "cases:access_log": Access.AUTHENTICATED,
    "cases:export": Access.AUTHENTICATED,
    "agreements:detail": Access.COALITION_MEMBER,
    # The glossary and mandates (docs/coalition.md): not personal data, read by every signed-in
    # user; an organisation's definitions and mandate are written by its own administrators
    # and coordinators only (ORGANISATION_EDITOR); anyone else gets 404.
    "glossary:list": Access.AUTHENTICATED,
    "glossary:term": Access.AUTHENTICATED,
    "glossary:definition_edit": Access.ORGANISATION_EDITOR,
    "mandates:edit": Access.ORGANISATION_EDITOR,
    "api:cases_worklist": Access.API,
    "api:cases_create": Access.API,
    "api:cases_search": Access.API,
    "api:cases_notifications": Access.API,
    "api:cases_detail": Access.API,
    "api:cases_export": Access.API,
    "api:cases_note_add": Access.API,
    "api:cases_task_add": Access.API,
    "api:cases_consents": Access.API,
    "api:cases_consent_add": Access.API,
    "api:cases_consent_withdraw": Access.API,
    # Law 25 duties (issue 4). The privacy page is public on purpose; the incident register
    # is for organisation admins and coordinators (others get 404); exports apply the policy.
    "law25:privacy_notice": Access.PUBLIC,
    "law25:privacy_settings": Access.ORGANISATION_ADMIN,
    "law25:retention_preview": Access.ORGANISATION_ADMIN,
    "law25:audit_organisation": Access.ORGANISATION_ADMIN,
    "law25:incident_list": Access.AUTHENTICATED,
    "law25:incident_create": Access.AUTHENTICATED,
    "law25:incident_detail": Access.AUTHENTICATED,
    "law25:incident_edit": Access.AUTHENTICATED,
    "law25:person_export_json": Access.AUTHENTICATED,
    "law25:person_export_pdf": Access.AUTHENTICATED,
    # Directory (issue 3): public search and HSDS feed carry no confidential address.
    "directory:search": Access.PUBLIC,
    "directory:search_json": Access.PUBLIC,
    "directory:service": Access.PUBLIC,
    "directory:service_edit": Access.SERVICE_STAFF,
    # Adding services and places: own directory organizations only; anything else is 404.
    "directory:service_add": Access.SERVICE_STAFF,
    "directory:own_services": Access.SERVICE_STAFF,
    "directory:service_create": Access.SERVICE_STAFF,
    "directory:location_create": Access.SERVICE_STAFF,
    "directory:location_edit": Access.SERVICE_STAFF,
    "directory:availability": Access.SERVICE_STAFF,
    "directory:availability_update": Access.SERVICE_STAFF,
    "directory:exchange": Access.DIRECTORY_MANAGER,
    "directory:export": Access.DIRECTORY_MANAGER,
    "directory:sharing": Access.COORDINATOR,
    "hsds:root": Access.PUBLIC,
    "hsds:openapi": Access.PUBLIC,
    "hsds:profile": Access.PUBLIC,
    "hsds:services": Access.PUBLIC,
    "hsds:service": Access.PUBLIC,
    "hsds:organizations": Access.PUBLIC,
    "hsds:organization": Access.PUBLIC,
    "hsds:taxonomies": Access.PUBLIC,
    "hsds:taxonomy": Access.PUBLIC,
    "hsds:taxonomy_terms": Access.PUBLIC,
    "hsds:taxonomy_term": Access.PUBLIC,
    "hsds:service_at_locations": Access.PUBLIC,
    "hsds:service_at_location": Access.PUBLIC,
    "api:directory_capacities": Access.API,
    "api:directory_capacity_update": Access.API,
    # Trends (issue 6): coordinators and analysts of a member organisation see the releases of
    # their coalitions; only coordinators release; denied answers 404.
    # Awareness (issue 15, items 6 and 7): the help page, the public materials and their
    # files for anyone (a material for workers answers 404 outside its coalition and the ones
    # below it); coordinators of the coalition write materials, contacts and briefs; briefs
    # are read by whoever reads their release.
    "awareness:help": Access.PUBLIC,
    "awareness:contacts": Access.COORDINATOR,
    "awareness:materials": Access.PUBLIC,
    "awareness:material_create": Access.COORDINATOR,
    "awareness:material_detail": Access.PUBLIC,
    "awareness:version_add": Access.COORDINATOR,
    "awareness:version_file": Access.PUBLIC,
    "awareness:briefs": Access.COALITION_MEMBER,
    "awareness:brief_create": Access.COORDINATOR,
    "awareness:brief_detail": Access.COALITION_MEMBER,
    "awareness:brief_pdf": Access.COALITION_MEMBER,
    "trends:index": Access.COALITION_MEMBER,
    "trends:release_create": Access.COALITION_MEMBER,
    "trends:rollup_create": Access.COALITION_MEMBER,
    "trends:release_detail": Access.COALITION_MEMBER,
    "trends:release_pdf": Access.COALITION_MEMBER,
    "trends:release_xlsx": Access.COALITION_MEMBER,
    "trends:release_csv": Access.COALITION_MEMBER,
    "trends:release_bundle": Access.COALITION_MEMBER,
    "trends:bundle_import": Access.COALITION_MEMBER,
    "trends:trusted_add": Access.COALITION_MEMBER,
    # The organisation's own cases only, through the policy.
    "trends:answers": Access.AUTHENTICATED,
    "trends:answer_set": Access.AUTHENTICATED,
    "trends:htcds_export": Access.AUTHENTICATED,
    "trends:htcds_extra": Access.AUTHENTICATED,
    # Orientation (issue 5): matching for any member; holds, referrals and unmet needs check
    # the role and the side themselves; denied answers 404.
    "orientation:match": Access.AUTHENTICATED,
    "orientation:match_case": Access.AUTHENTICATED,
    "orientation:intake": Access.AUTHENTICATED,
    "orientation:holds": Access.AUTHENTICATED,
    "orientation:hold_create": Access.AUTHENTICATED,
    "orientation:hold_accept": Access.AUTHENTICATED,
    "orientation:hold_release": Access.AUTHENTICATED,
    "orientation:referrals": Access.AUTHENTICATED,
    "orientation:referral_create": Access.AUTHENTICATED,
    "orientation:referral_detail": Access.AUTHENTICATED,
    "orientation:referral_transition": Access.AUTHENTICATED,
    "orientation:unmet_needs": Access.AUTHENTICATED,
    "api:orientation_match": Access.API,
    "api:orientation_holds": Access.API,
    "api:orientation_hold_create": Access.API,
    "api:orientation_hold_detail": Access.API,
    "api:orientation_hold_accept": Access.API,
    "api:orientation_hold_release": Access.API,
    "api:orientation_referrals": Access.API,
    "api:orientation_referral_create": Access.API,
    "api:orientation_referral_detail": Access.API,
    "api:orientation_referral_fhir": Access.API,
    "api:orientation_referral_transition": Access.API,
    "api:orientation_service_response": Access.API,
    "api:orientation_unmet_needs": Access.API,
    # Screening (issue 15): members whose role reads exploitation, in an organisation that is
    # not police, border enforcement or prosecution; each page applies the policy to the
    # screening and denied answers 404.
    "screening:list": Access.AUTHENTICATED,
    "screening:start": Access.AUTHENTICATED,
    "screening:question": Access.AUTHENTICATED,
    "screening:result": Access.AUTHENTICATED,
    "screening:attach": Access.AUTHENTICATED,
    "api:screening_list": Access.API,
    "api:screening_detail": Access.API,
    # Case conferences (issue 15): participants only (the acting membership was invited);
    # the agenda applies the policy item by item; anyone else gets 404.
    "conferences:list": Access.AUTHENTICATED,
    "conferences:create": Access.AUTHENTICATED,
    "conferences:detail": Access.AUTHENTICATED,
    "conferences:ics": Access.AUTHENTICATED,
    "conferences:item_add": Access.AUTHENTICATED,
    "conferences:item_record": Access.AUTHENTICATED,
    "conferences:action_add": Access.AUTHENTICATED,
    "api:screening_start": Access.API,
    "api:screening_answer": Access.API,
    "api:screening_attach": Access.API,
}
