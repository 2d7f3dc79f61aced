// Command tfjsonload is the baseline hiyari is compared with: it decodes a plan the way
// most Go tools do, with encoding/json into hashicorp/terraform-json's Plan, then counts
// the resource changes that delete something. It prints the count.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	tfjson "github.com/hashicorp/terraform-json"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tfjsonload PLAN.json")
		os.Exit(1)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tfjsonload:", err)
		os.Exit(1)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		fmt.Fprintln(os.Stderr, "tfjsonload:", err)
		os.Exit(1)
	}
	deletes := 0
	for _, rc := range p.ResourceChanges {
		if rc.Change != nil && rc.Change.Actions.Delete() || rc.Change != nil && rc.Change.Actions.Replace() {
			deletes++
		}
	}
	fmt.Println(deletes)
}
