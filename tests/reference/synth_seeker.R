# Checks that lmi synth --kind seeker follows the logistic model stated in lib/synth.h.
# Usage: lmi synth --kind seeker --rows 400000 --seed 2 > seeker.csv && Rscript synth_seeker.R
# Output on 2026-11-26 (400,000 rows, seed 2), estimate and std. error:
#   (Intercept) -1.4856 0.0165   (true -1.5)     eduE2 -0.2210 0.0113 (true -0.2)
#   age          0.0302 0.0003   (true  0.03)    eduE3 -0.4153 0.0132 (true -0.4)
#   tenure_months -0.0099 0.0001 (true -0.01)    eduE4 -0.6388 0.0122 (true -0.6)
#   prior_spells 0.2483 0.0035   (true  0.25)    eduE5 -0.8114 0.0202 (true -0.8)
#   ui_recipient -0.4010 0.0072  (true -0.4)     sexM   0.0031 0.0072 (true  0)
#   disability   0.6837 0.0154   (true  0.7)     mean ltu 0.3003
d <- read.csv("seeker.csv", colClasses = c(edu = "factor", sex = "factor"))
m <- glm(ltu ~ age + tenure_months + prior_spells + ui_recipient + disability + edu + sex,
         family = binomial, data = d)
print(round(cbind(coef(m), sqrt(diag(vcov(m)))), 4))
cat("mean ltu", mean(d$ltu), "\n")
