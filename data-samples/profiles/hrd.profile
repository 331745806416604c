# hrd: HRD-Net training extracts, one row per trainee per course round
# (훈련과정 API field names for the course, trainee-level fields as in the
# 훈련생 실적 extract).
#
# Profile format (lmi-ingest(1), FILES): "[KIND]" starts a section; each rule line is
#     FIELD  SOURCE  TRANSFORM
# with SOURCE 'a|b' = first column present, trailing '?' = may be absent, '-' = no
# column (const:).  Transforms: text code digits int num money date enddate
# open_flag bool wage_type person const:VALUE map:FROM=TO;...
#
# Source columns used:
#   aplySeq        수강신청 일련번호 (enrolment id)
#   trneeId        훈련생 식별번호 (resident registration number or HRD member id):
#                  replaced by person_key, never written out
#   trprId         훈련과정 ID (AIG20250000498765)
#   trprDegr       회차
#   instIno        훈련기관 ID
#   trainTargetCd  훈련유형 코드 (C0061 국민내일배움카드, C0054 K-디지털 트레이닝, ...)
#   ncsCd          NCS 분류 코드 (20010202)
#   trngAreaCd     훈련지역 5-digit 시군구 code
#   traStartDate, traEndDate   훈련 시작/종료일 (YYYYMMDD)
#   trtm           총 훈련시간
#   trneeSttusNm   훈련상태 (훈련중, 수료, 조기취업, 중도탈락, 수강취소)
#   atendRate      출석률 as a fraction (0.95)
#   totTrainCost   총 훈련비, govSprtAmt 정부지원금
#   excptYn        취업률 산정 제외 여부 (Y/N)
#   emplYn3m, emplYn6m   수료 후 3/6개월 내 취업 여부 (Y/N)
#   emplDt         취업일, emplWage 월 임금

[training]
enrollment_id     aplySeq         code
person_key        trneeId         person
course_id         trprId          code
course_round      trprDegr        code
institution_id    instIno         code
training_type     trainTargetCd   code
ncs_code          ncsCd           code
region_code       trngAreaCd      code
start_date        traStartDate    date
end_date          traEndDate      date
planned_hours     trtm            num
status            trneeSttusNm    map:훈련중=enrolled;수료=completed;조기취업=early_employed;중도탈락=dropped;수강취소=cancelled
attendance_rate   atendRate       num
tuition_total     totTrainCost    money
subsidy           govSprtAmt      money
outcome_excluded  excptYn         bool
employed_3m       emplYn3m        bool
employed_6m       emplYn6m        bool
employment_date   emplDt?         date
monthly_wage      emplWage?       money
