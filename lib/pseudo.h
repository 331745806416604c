/* Keyed pseudonymisation of person identifiers: HMAC-SHA-256 (libsodium) under a secret key. */
#ifndef LMI_PSEUDO_H
#define LMI_PSEUDO_H

#include <sodium.h>
#include <stddef.h>

#define LMI_PSEUDO_MIN_KEY 32u   /* bytes: the HMAC-SHA-256 output size, RFC 2104 section 3 */
#define LMI_PSEUDO_MAX_KEY 1024u /* bytes: a longer key file is surely a mistake */
#define LMI_PSEUDO_MAX_ID 256u   /* bytes of one normalised identifier */

/*
 * A loaded key.  The struct owns no heap memory; lmi_pseudo_release() wipes
 * the key bytes.
 */
struct lmi_pseudo {
	unsigned char key[LMI_PSEUDO_MAX_KEY];
	size_t keylen;
	crypto_auth_hmacsha256_state keyed; /* state after the key: copied per identifier */
};

/*
 * Computes HMAC-SHA-256(key, msg) and writes it as 64 lowercase hex digits
 * plus a NUL into hex.  Any key length is accepted (RFC 2104: keys longer than
 * the block are hashed first).  Returns LMI_OK, or LMI_EIO when libsodium
 * cannot be initialised.
 */
int lmi_hmac_sha256_hex(const unsigned char *key, size_t keylen, const void *msg, size_t n,
			char hex[65]);

/*
 * Sets the key from bytes.  Returns LMI_OK, LMI_EINVAL when n is below
 * LMI_PSEUDO_MIN_KEY, LMI_ETOOBIG when above LMI_PSEUDO_MAX_KEY, or LMI_EIO
 * when libsodium cannot be initialised.
 */
int lmi_pseudo_init(struct lmi_pseudo *p, const unsigned char *key, size_t n);

/*
 * Loads the key from a file: its bytes, less one trailing "\n" or "\r\n", so
 * a key typed into an editor works.  *others_can_read is set to 1 when the
 * file's mode lets group or others read it.  Returns what lmi_pseudo_init()
 * returns, or LMI_EIO with errno set when the file cannot be read.
 */
int lmi_pseudo_load(struct lmi_pseudo *p, const char *path, int *others_can_read);

/*
 * Normalises a person identifier so that spellings of the same number hash
 * alike: drops spaces, tabs and '-', and upper-cases ASCII letters
 * ("900101-1234567" -> "9001011234567").  Writes into out of `size` bytes and
 * returns the length, or -1 when it does not fit.
 */
int lmi_pseudo_normalise(const char *id, char *out, size_t size);

/*
 * Writes the person key of `id` (hex HMAC-SHA-256 of the normalised id) into
 * hex.  Returns 1 when written, 0 when the normalised id is empty (hex is
 * then ""), or LMI_ETOOBIG when the id is over LMI_PSEUDO_MAX_ID bytes.
 * p must have been set by lmi_pseudo_init() or lmi_pseudo_load().
 */
int lmi_pseudo_key(const struct lmi_pseudo *p, const char *id, char hex[65]);

/* Wipes the key. */
void lmi_pseudo_release(struct lmi_pseudo *p);

#endif
