/* Functions lmi code must not call: each has a bounded or reentrant replacement (git banned.h). */
#ifndef LMI_BANNED_H
#define LMI_BANNED_H

#define LMI_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) LMI_BANNED(strcpy)
#undef strcat
#define strcat(x, y) LMI_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) LMI_BANNED(strncpy)
#undef sprintf
#define sprintf(...) LMI_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) LMI_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) LMI_BANNED(strtok)
#undef atoi
#define atoi(x) LMI_BANNED(atoi)
#undef atol
#define atol(x) LMI_BANNED(atol)
#undef gmtime
#define gmtime(x) LMI_BANNED(gmtime)
#undef localtime
#define localtime(x) LMI_BANNED(localtime)

#endif
