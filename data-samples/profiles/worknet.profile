# worknet: Work-net / Employment24 (고용24) Open API vacancy list fields
# (채용정보 목록 API, callTp=L), as exported to CSV one posting per row.
#
# Profile format (lmi-ingest(1), FILES): "[KIND]" starts a section; each rule line is
#     FIELD  SOURCE  TRANSFORM
# with SOURCE 'a|b' = first column present, trailing '?' = may be absent, '-' = no
# column (const:).  Transforms: text code digits int num money date enddate
# open_flag bool wage_type person const:VALUE map:FROM=TO;...
#
# Source columns used:
#   wantedAuthNo   구인인증번호, the posting id (K151122511250001)
#   company        사업장명
#   busino         사업자등록번호, with or without dashes (123-45-67890)
#   indTpCd        업종코드 (KSIC), optional
#   title          채용제목
#   jobCont        직무내용, optional
#   jobsCd         직종코드, 6 digits (KECO)
#   regionCd       근무지역코드, 5-digit 시군구 (11680 = 서울 강남구); the text
#                  column 'region' (서울 강남구) is not used
#   empTpCd        고용형태 (10, 11, 20, 21, 4, Y)
#   salTpCd        임금형태 코드 H/D/M/Y, or salTpNm 시급/일급/월급/연봉
#   minSal, maxSal 최소/최대 임금 ("2,500,000", "250만원"; 협의/회사내규 = missing);
#                  the display text 'sal' (월급 250만원 ~ 300만원) is not used
#   workHr         주당 근로시간, optional
#   minEdubg       최소학력 (학력무관, 고졸, 대졸(4년), ... or the codes 00..07)
#   career         경력 (신입, 경력, 관계없음, or N/E/Z)
#   collectPsncnt  모집인원, optional
#   regDt          등록일자 (20250901, 2025-09-01, 2025.09.01, ...)
#   closeDt        마감일자; "채용시까지" (until filled) gives an empty close_date
#                  and until_filled 1
# Not mapped (no canonical field): region, sal, holidayTp (근무형태), smodifyDtm,
# wantedInfoUrl, zipCd, basicAddr.

[vacancy]
source           -                   const:worknet
source_id        wantedAuthNo        code
employer_id      busino              digits
employer_name    company             text
title            title               text
description      jobCont?            text
occupation_code  jobsCd              code
industry_code    indTpCd?            code
region_code      regionCd            code
employment_type  empTpCd             code
wage_type        salTpCd|salTpNm     wage_type
wage_min         minSal              money
wage_max         maxSal              money
hours_per_week   workHr?             num
edu_min          minEdubg            map:학력무관=00;초졸이하=01;중졸=02;고졸=03;대졸(2~3년)=04;대졸(4년)=05;석사=06;박사=07
career_req       career              map:신입=N;경력=E;관계없음=Z;신입·경력=Z
positions        collectPsncnt?      int
reg_date         regDt               date
close_date       closeDt             enddate
until_filled     closeDt             open_flag
