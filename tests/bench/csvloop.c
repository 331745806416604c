/* csvloop: the plain libcsv read loop that `make bench` measures every tool against. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

#define BLOCK (64u * 1024u)

struct counts {
	unsigned long long rows;
	unsigned long long fields;
};

static void on_field(void *data, size_t n, void *ctx)
{
	(void)data;
	(void)n;
	((struct counts *)ctx)->fields++;
}

static void on_row(int c, void *ctx)
{
	(void)c;
	((struct counts *)ctx)->rows++;
}

int main(void)
{
	static char buf[BLOCK];
	struct csv_parser p;
	struct counts k = { 0, 0 };
	size_t n;

	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0) {
		fprintf(stderr, "csvloop: csv_init failed\n");
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (csv_parse(&p, buf, n, on_field, on_row, &k) != n) {
			fprintf(stderr, "csvloop: %s\n", csv_strerror(csv_error(&p)));
			return 1;
		}
	}
	if (ferror(stdin) || csv_fini(&p, on_field, on_row, &k) != 0) {
		fprintf(stderr, "csvloop: read or parse error\n");
		return 1;
	}
	csv_free(&p);
	fprintf(stderr, "rows=%llu fields=%llu\n", k.rows, k.fields);
	return 0;
}
