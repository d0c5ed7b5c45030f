/* A small SQLite program for the link tests: an in-memory database, a table of text,
 * integer, real and blob columns, aggregates, a join, a bad statement whose error message
 * it prints, and an exit status that depends on what the queries returned. argv[1], when
 * given, is how many extra rows to insert, so different runs take different paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite3.h"

static int failures;

static void check(sqlite3 *db, int rc, const char *what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fprintf(stderr, "%s: %s (rc %d)\n", what, sqlite3_errmsg(db), rc);
    failures++;
  }
}

static int print_row(void *tag, int n, char **values, char **names) {
  printf("%s:", (const char *)tag);
  for (int i = 0; i < n; i++) printf(" %s=%s", names[i], values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

static void exec(sqlite3 *db, const char *sql, const char *tag) {
  char *err = NULL;
  int rc = sqlite3_exec(db, sql, print_row, (void *)tag, &err);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "%s: %s\n", tag, err ? err : "?");
    failures++;
  }
  sqlite3_free(err);
}

static void insert_items(sqlite3 *db, int extra) {
  static const char *names[] = { "apple", "banana", "cherry", "date", "elderberry" };
  sqlite3_stmt *st;
  check(db, sqlite3_prepare_v2(db, "INSERT INTO item(name, qty, price, tag, owner) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL), "prepare insert");
  for (int i = 0; i < 5 + extra; i++) {
    unsigned char blob[4] = { (unsigned char)i, 0xff, (unsigned char)(i * 7), 0 };
    char name[32];
    snprintf(name, sizeof name, "%s%s", names[i % 5], i >= 5 ? "-x" : "");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, (i + 1) * 3);
    sqlite3_bind_double(st, 3, 0.25 + i * 1.5);
    sqlite3_bind_blob(st, 4, blob, sizeof blob, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, 1 + i % 3);
    check(db, sqlite3_step(st), "step insert");
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
}

static double total_value(sqlite3 *db) {
  sqlite3_stmt *st;
  double total = -1;
  check(db, sqlite3_prepare_v2(db, "SELECT sum(qty * price), count(*), max(length(tag)) FROM item", -1, &st, NULL), "prepare sum");
  if (sqlite3_step(st) == SQLITE_ROW) {
    total = sqlite3_column_double(st, 0);
    printf("sum=%.3f count=%d maxblob=%d\n", total, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2));
  }
  sqlite3_finalize(st);
  return total;
}

static void blob_back(sqlite3 *db) {
  sqlite3_stmt *st;
  check(db, sqlite3_prepare_v2(db, "SELECT name, tag FROM item WHERE qty = 9", -1, &st, NULL), "prepare blob");
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *b = sqlite3_column_blob(st, 1);
    int n = sqlite3_column_bytes(st, 1);
    printf("blob of %s:", sqlite3_column_text(st, 0));
    for (int i = 0; i < n; i++) printf(" %02x", b[i]);
    printf("\n");
  }
  sqlite3_finalize(st);
}

int main(int argc, char **argv) {
  int extra = argc > 1 ? atoi(argv[1]) : 0;
  sqlite3 *db;
  printf("sqlite %s\n", sqlite3_libversion());
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    fprintf(stderr, "open: %s\n", sqlite3_errmsg(db));
    return 100;
  }
  exec(db, "CREATE TABLE owner(id INTEGER PRIMARY KEY, who TEXT NOT NULL);"
           "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, tag BLOB, owner INTEGER REFERENCES owner(id));"
           "INSERT INTO owner(who) VALUES ('ada'), ('grace'), ('linus');", "schema");
  exec(db, "BEGIN", "begin");
  insert_items(db, extra);
  exec(db, "COMMIT", "commit");
  double total = total_value(db);
  blob_back(db);
  exec(db, "SELECT o.who, count(i.id) AS n, printf('%.2f', avg(i.price)) AS avg_price, group_concat(i.name, '+') AS names"
           " FROM owner o LEFT JOIN item i ON i.owner = o.id GROUP BY o.id ORDER BY n DESC, o.who", "join");
  exec(db, "SELECT upper(name) AS u, hex(tag) AS h, typeof(price) AS t, round(price * qty, 1) AS v FROM item ORDER BY price DESC LIMIT 3", "top");
  exec(db, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x * 2 FROM c WHERE x < 1000) SELECT sum(x) AS s, count(*) AS k FROM c", "cte");
  exec(db, "SELECT json_object('n', count(*), 'q', total(qty)) AS j FROM item", "json");

  /* The error path: a statement that does not parse, and one on a missing table. */
  sqlite3_stmt *bad = NULL;
  int rc = sqlite3_prepare_v2(db, "SELEKT * FROM item", -1, &bad, NULL);
  printf("bad sql: rc=%d msg=%s stmt=%s\n", rc, sqlite3_errmsg(db), bad ? "set" : "null");
  rc = sqlite3_exec(db, "SELECT * FROM nowhere", NULL, NULL, NULL);
  fprintf(stderr, "missing table: rc=%d msg=%s\n", rc, sqlite3_errmsg(db));

  sqlite3_close(db);
  int rows = 5 + extra;
  printf("total=%.2f failures=%d\n", total, failures);
  return failures ? 90 + failures : (int)(((long)total % 50 + rows) % 80);
}
