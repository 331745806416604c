/*
 * Unit tests for lib/pseudo: HMAC-SHA-256 against the RFC 4231 test vectors
 * (section 4, test cases 1, 2, 3, 4, 6 and 7; case 5 tests truncation, which
 * lmi does not use), key length limits, identifier normalisation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pseudo.h"
#include "unit.h"

static const char *hmac(const unsigned char *key, size_t klen, const void *msg, size_t n)
{
	static char hex[65];

	if (lmi_hmac_sha256_hex(key, klen, msg, n, hex) != LMI_OK)
		return NULL;
	return hex;
}

static void rfc4231(void)
{
	unsigned char k[131], d[50];
	const char *m;

	/* Test case 1: key = 0x0b x 20, data = "Hi There". */
	memset(k, 0x0b, 20);
	CHECK_STR(hmac(k, 20, "Hi There", 8),
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	/* Test case 2: key = "Jefe", data = "what do ya want for nothing?". */
	m = "what do ya want for nothing?";
	CHECK_STR(hmac((const unsigned char *)"Jefe", 4, m, strlen(m)),
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* Test case 3: key = 0xaa x 20, data = 0xdd x 50. */
	memset(k, 0xaa, 20);
	memset(d, 0xdd, 50);
	CHECK_STR(hmac(k, 20, d, 50),
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	/* Test case 4: key = 0x01..0x19, data = 0xcd x 50. */
	for (int i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(d, 0xcd, 50);
	CHECK_STR(hmac(k, 25, d, 50),
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	/* Test case 6: key = 0xaa x 131 (longer than the block), hashed first. */
	memset(k, 0xaa, 131);
	m = "Test Using Larger Than Block-Size Key - Hash Key First";
	CHECK_STR(hmac(k, 131, m, strlen(m)),
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	/* Test case 7: the same key, data longer than the block. */
	m = "This is a test using a larger than block-size key and a larger than block-size data."
	    " The key needs to be hashed before being used by the HMAC algorithm.";
	CHECK_STR(hmac(k, 131, m, strlen(m)),
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void keys(void)
{
	struct lmi_pseudo p;
	unsigned char k[LMI_PSEUDO_MAX_KEY + 1];
	char hex[65];

	memset(k, 'k', sizeof(k));
	CHECK_INT(lmi_pseudo_init(&p, k, 31), LMI_EINVAL);
	CHECK_INT(lmi_pseudo_init(&p, k, LMI_PSEUDO_MAX_KEY + 1), LMI_ETOOBIG);
	CHECK_INT(lmi_pseudo_init(&p, k, 32), LMI_OK);
	/*
	 * Expected value from Python, an independent implementation:
	 * hmac.new(b'k' * 32, b'9001011234567', hashlib.sha256).hexdigest()
	 */
	CHECK_INT(lmi_pseudo_key(&p, "900101-1234567", hex), 1);
	CHECK_STR(hex, "7191c33f835de1101a79dc69790a65297c63b0259b3e38a61b10bdfa1df208ba");
	CHECK_INT(lmi_pseudo_key(&p, " 9001011234567 ", hex), 1);
	CHECK_STR(hex, "7191c33f835de1101a79dc69790a65297c63b0259b3e38a61b10bdfa1df208ba");
	CHECK_INT(lmi_pseudo_key(&p, " - ", hex), 0);
	CHECK_STR(hex, "");
	lmi_pseudo_release(&p);
	CHECK_INT(p.keylen, 0);
}

static void key_files(void)
{
	char path[] = "/tmp/lmi-test-pseudo-XXXXXX";
	struct lmi_pseudo p;
	int fd = mkstemp(path), others;
	FILE *fp;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	fp = fdopen(fd, "w");
	/* 32 bytes plus a newline that the loader drops. */
	fputs("0123456789abcdef0123456789abcdef\n", fp);
	fclose(fp);
	CHECK_INT(lmi_pseudo_load(&p, path, &others), LMI_OK);
	CHECK_INT(p.keylen, 32);
	CHECK_INT(others, 0); /* mkstemp makes mode 0600 */
	fp = fopen(path, "w");
	fputs("short\r\n", fp);
	fclose(fp);
	CHECK_INT(lmi_pseudo_load(&p, path, &others), LMI_EINVAL);
	unlink(path);
	CHECK_INT(lmi_pseudo_load(&p, path, &others), LMI_EIO);
}

static void normalise(void)
{
	char out[8];

	CHECK_INT(lmi_pseudo_normalise("ab-c d", out, sizeof(out)), 4);
	CHECK_STR(out, "ABCD");
	CHECK_INT(lmi_pseudo_normalise("1234567", out, sizeof(out)), 7);
	CHECK_INT(lmi_pseudo_normalise("12345678", out, sizeof(out)), -1);
	CHECK_INT(lmi_pseudo_normalise("", out, sizeof(out)), 0);
	CHECK_STR(out, "");
}

int main(void)
{
	rfc4231();
	keys();
	key_files();
	normalise();
	return UNIT_DONE();
}
