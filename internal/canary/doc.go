// Package canary holds hiyari's secret-canary test: it plants distinct marker strings
// wherever a secret can reach hiyari (sensitive plan values and outputs, backend
// credentials, AWS keys in the environment and shared files, the SSO cache, IMDS and
// container credential answers, the GitHub token), runs the built binary's every
// command in every output format, and fails when a marker shows up in any output,
// error, file, comment or label. The package has no code of its own outside tests.
package canary
