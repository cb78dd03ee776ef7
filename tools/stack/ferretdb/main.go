// Command ferretdb-wrapper runs FerretDB 1.24.x (SQLite backend) through its
// embeddable package github.com/FerretDB/FerretDB/ferretdb.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a
// binary that panics at start-up (build/version/version.txt is not part of the
// module zip). The embeddable package skips that check because the main module
// is not FerretDB, so this tiny module is what tools/stack builds instead.
//
// Configuration (flag, then environment variable, then default):
//
//	-listen-addr  FERRETDB_LISTEN_ADDR  127.0.0.1:27117
//	-sqlite-dir   FERRETDB_SQLITE_DIR   ./data   (created if missing)
//	-log-level    FERRETDB_LOG_LEVEL    info     (debug|info|warn|error)
//
// Telemetry is always off (the embeddable package disables and locks it).
// SIGINT/SIGTERM stop the listener, close client connections and the SQLite
// backend, then exit 0.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}

	return def
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(strings.ToUpper(s)))

	return l, err
}

func main() {
	listenAddr := flag.String("listen-addr", envOr("FERRETDB_LISTEN_ADDR", "127.0.0.1:27117"), "TCP listen address")
	sqliteDir := flag.String("sqlite-dir", envOr("FERRETDB_SQLITE_DIR", "data"), "directory holding one SQLite file per database")
	logLevel := flag.String("log-level", envOr("FERRETDB_LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	flag.Parse()

	level, err := parseLevel(*logLevel)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-wrapper: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	dir, err := filepath.Abs(*sqliteDir)
	if err != nil {
		logger.Error("cannot resolve sqlite dir", "dir", *sqliteDir, "error", err)
		os.Exit(1)
	}

	// FerretDB requires the directory to exist.
	if err = os.MkdirAll(dir, 0o755); err != nil {
		logger.Error("cannot create sqlite dir", "dir", dir, "error", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}

	logger.Info("ferretdb-wrapper ready", "listen", *listenAddr, "sqlite", dir, "pid", os.Getpid())

	// Run blocks until ctx is cancelled by SIGINT/SIGTERM, then closes the
	// listener, all client connections and the backend.
	if err = f.Run(ctx); err != nil {
		logger.Error("FerretDB stopped with error", "error", err)
		os.Exit(1)
	}

	logger.Info("ferretdb-wrapper stopped")
}
