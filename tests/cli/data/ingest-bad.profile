# a profile with an unknown transform on line 3
[vacancy]
title  title  uppercase
