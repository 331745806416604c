/* lmi: git-style dispatcher; `lmi NAME ARGS` runs lmi-NAME from lmi's own directory, then PATH. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

struct lmi_cmd {
	const char *name;
	const char *summary;
};

/* Sorted by name; scripts/check-tools.sh checks it against cmd/ and man/. */
static const struct lmi_cmd commands[] = {
	{ "cat", "concatenate CSV files, check headers agree, re-quote to RFC 4180" },
	{ "dedup", "mark exact and near-duplicate postings, incrementally with a state DB" },
	{ "evaluate", "model card: AUC, Brier, calibration and fairness by group" },
	{ "indicators", "labour-market indicators with numerator, denominator and CI" },
	{ "ingest", "map a source extract to the canonical schema, pseudonymise persons" },
	{ "link", "link records of the same person across files (Fellegi-Sunter)" },
	{ "load", "upsert CSV into a SQLite warehouse" },
	{ "merge", "combine partial aggregates written by indicators --partial" },
	{ "report", "XLSX workbook and HTML status board from indicator CSV" },
	{ "score", "score job seekers with a model, with reasons" },
	{ "synth", "write realistic synthetic extracts for tests and benchmarks" },
	{ "train", "fit an explainable logistic profiling model" },
	{ "validate", "apply validation rules; rejects file with reason codes" },
};

static const char *const usage[] = {
	"usage: lmi [--help | --version] COMMAND [ARGS...]",
	"",
	"Labour-market information toolkit: each command reads CSV on stdin (or files)",
	"and writes CSV on stdout, so they pipe into each other.",
	NULL,
};

static int installed(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/lmi-%s", dir, name) >= (int)sizeof(path))
		return 0;
	return access(path, X_OK) == 0;
}

static void help(const char *self_dir)
{
	for (const char *const *u = usage; *u != NULL; u++)
		printf("%s\n", *u);
	printf("\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (self_dir == NULL || installed(self_dir, commands[i].name))
			printf("  %-12s %s\n", commands[i].name, commands[i].summary);
	printf("\n'lmi COMMAND --help' and 'man lmi-COMMAND' describe each command.\n");
	exit(lmi_close_stdout());
}

int main(int argc, char **argv)
{
	char dirbuf[PATH_MAX], path[PATH_MAX], prog[128];
	const char *dir;
	const char *name;

	lmi_cli_init(argv[0]);
	dir = lmi_exe_dir(dirbuf, sizeof(dirbuf)) == LMI_OK ? dirbuf : NULL;
	if (argc < 2)
		lmi_usage_error(usage, "no command given");
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0)
		help(dir);
	if (strcmp(name, "--version") == 0)
		lmi_version();
	if (name[0] == '-' || strchr(name, '/') != NULL || strlen(name) > 64)
		lmi_usage_error(usage, "unknown option or command '%s'", name);
	snprintf(prog, sizeof(prog), "lmi-%s", name);
	argv[1] = prog;
	if (dir != NULL && snprintf(path, sizeof(path), "%s/%s", dir, prog) < (int)sizeof(path))
		execv(path, argv + 1);
	execvp(prog, argv + 1);
	if (errno == ENOENT)
		lmi_usage_error(usage, "'%s' is not an lmi command", name);
	lmi_die_errno("cannot run '%s'", prog);
}
