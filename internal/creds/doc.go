// Package creds explains which AWS credentials a process gets and why.
//
// It models the credential chain of the AWS SDK for Go v2 (config/resolve_credentials.go):
// it inspects every source the chain considers (environment keys, web identity, the
// selected profile's static keys, role, SSO, credential_process, the container endpoint
// and IMDS), names the one that wins and the usable ones it shadows, and cross-checks
// the winner against the real SDK run in a child process with the context's environment.
//
// A Context is the environment another process would see: another user's home, no HOME
// at all, SSM Run Command (root, the agent's environment) or a Session Manager shell.
// Explaining several contexts side by side answers "works in my shell, fails in Run
// Command" in one command.
//
// Secrets never leave this package except through Export and Exec: explanations carry
// masked key ids only.
package creds
