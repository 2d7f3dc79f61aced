//go:build race

package review

// raceEnabled: the race detector adds allocations of its own, so allocation budgets
// do not hold under it.
const raceEnabled = true
