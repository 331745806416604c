/* Keyed pseudonymisation: a thin wrapper over libsodium's HMAC-SHA-256. */
#include "pseudo.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "banned.h"

static int sodium_ready(void)
{
	/* sodium_init() returns 1 when already initialised: that is fine. */
	return sodium_init() < 0 ? LMI_EIO : LMI_OK;
}

int lmi_hmac_sha256_hex(const unsigned char *key, size_t keylen, const void *msg, size_t n,
			char hex[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	hex[0] = '\0';
	if (sodium_ready() != LMI_OK)
		return LMI_EIO;
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, msg, n);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, 65, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
	return LMI_OK;
}

int lmi_pseudo_init(struct lmi_pseudo *p, const unsigned char *key, size_t n)
{
	p->keylen = 0;
	if (n < LMI_PSEUDO_MIN_KEY)
		return LMI_EINVAL;
	if (n > LMI_PSEUDO_MAX_KEY)
		return LMI_ETOOBIG;
	if (sodium_ready() != LMI_OK)
		return LMI_EIO;
	memcpy(p->key, key, n);
	p->keylen = n;
	crypto_auth_hmacsha256_init(&p->keyed, key, n);
	return LMI_OK;
}

int lmi_pseudo_load(struct lmi_pseudo *p, const char *path, int *others_can_read)
{
	unsigned char buf[LMI_PSEUDO_MAX_KEY + 3];
	struct stat sb;
	size_t n;
	int rc = LMI_EIO, saved;
	FILE *fp = fopen(path, "rb");

	p->keylen = 0;
	*others_can_read = 0;
	if (fp == NULL)
		return LMI_EIO;
	if (fstat(fileno(fp), &sb) != 0)
		goto out;
	*others_can_read = (sb.st_mode & (S_IRGRP | S_IROTH)) != 0;
	n = fread(buf, 1, sizeof(buf), fp);
	if (ferror(fp))
		goto out;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	rc = lmi_pseudo_init(p, buf, n);
out:
	saved = errno;
	sodium_memzero(buf, sizeof(buf));
	fclose(fp);
	errno = saved;
	return rc;
}

int lmi_pseudo_normalise(const char *id, char *out, size_t size)
{
	size_t n = 0;

	for (const char *s = id; *s != '\0'; s++) {
		char c = *s;

		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	if (size == 0)
		return -1;
	out[n] = '\0';
	return (int)n;
}

int lmi_pseudo_key(const struct lmi_pseudo *p, const char *id, char hex[65])
{
	char norm[LMI_PSEUDO_MAX_ID + 1];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	int n = lmi_pseudo_normalise(id, norm, sizeof(norm));

	hex[0] = '\0';
	if (n < 0)
		return LMI_ETOOBIG;
	if (n == 0)
		return 0;
	/* The keyed state saves hashing the padded key twice per identifier. */
	st = p->keyed;
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)norm, (size_t)n);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, 65, mac, sizeof(mac));
	sodium_memzero(norm, sizeof(norm));
	sodium_memzero(&st, sizeof(st));
	return 1;
}

void lmi_pseudo_release(struct lmi_pseudo *p)
{
	sodium_memzero(p->key, sizeof(p->key));
	sodium_memzero(&p->keyed, sizeof(p->keyed));
	p->keylen = 0;
}
