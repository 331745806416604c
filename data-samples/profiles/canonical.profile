# canonical: identity profile for input that already has the canonical columns of
# lmi-formats(5) (for instance the output of lmi synth, or of an earlier lmi ingest).
#
# Profile format (lmi-ingest(1), FILES): '#' starts a comment line; "[KIND]" starts
# the section for vacancy, claim or training; each rule line is
#     FIELD  SOURCE  TRANSFORM
# FIELD is a canonical field, SOURCE the input column ('a|b' = first present,
# trailing '?' = the column may be absent, '-' = none, for const:), TRANSFORM one of
# text code digits int num money date enddate open_flag bool wage_type person
# const:VALUE map:FROM=TO;FROM=TO.  "@identity" maps every field not mapped by a rule
# from the column of the same name, with the transform its type implies (date ->
# date, close_date -> enddate, int, num, code, bool, str -> text); fields the schema
# requires are then required columns, the others optional.
#
# person_key is taken as text: canonical input is already pseudonymised.

[vacancy]
@identity

[claim]
@identity

[training]
@identity
