// Package github publishes a hiyari review on a GitHub pull request: one sticky
// comment per target, outcome and risk labels, and the job summary.
//
// It reaches the network only through the *http.Client in Config, and every call
// goes through a retrying transport that honours GitHub's rate-limit headers
// within a bounded number of attempts and a bounded total wait. The token is
// never part of an error, a log line or the printed form of Config or Client.
//
// Wiring from a command is three steps:
//
//	cfg, err := github.ConfigFromEnv(env, github.FlagOverrides{Repo: repo, PR: pr, Target: target})
//	client, err := github.New(cfg)
//	res, err := client.UpsertComment(ctx, target, markdown)
//	labels, err := client.SyncLabels(ctx, github.OutcomeLabels(outcome, names), github.ManagedLabels(target, names))
package github
