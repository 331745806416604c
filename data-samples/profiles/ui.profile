# ui: unemployment-insurance (구직급여) claim extracts whose columns carry the
# canonical names of lmi-formats(5), except that the claimant is identified by
# the raw resident registration number in column 'rrn' (or 'person_id').  That
# number is replaced by person_key = HMAC-SHA-256(key, digits of the number) and
# is never written out.
#
# Profile format (lmi-ingest(1), FILES): "[KIND]" starts a section; each rule line is
#     FIELD  SOURCE  TRANSFORM
# with SOURCE 'a|b' = first column present, trailing '?' = may be absent, '-' = no
# column (const:).  Transforms: text code digits int num money date enddate
# open_flag bool wage_type person const:VALUE map:FROM=TO;...  "@identity" maps
# the remaining fields from same-named columns by type.

[claim]
person_key        rrn|person_id     person
avg_daily_wage    avg_daily_wage?   money
daily_benefit     daily_benefit?    money
amount_paid       amount_paid?      money
@identity
