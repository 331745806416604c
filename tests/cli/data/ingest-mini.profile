# mini: only three vacancy fields, to test header binding and alternatives
[vacancy]
source       -                const:test
source_id    id|wantedAuthNo  code
reg_date     date?            date
