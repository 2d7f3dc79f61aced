// Command terraform-provider-aws is hiyari's test stand-in for the hashicorp/aws
// provider. Terraform runs it through dev_overrides in a CLI configuration file;
// see docs/testenv.md.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/hiyari-dev/hiyari/testenv/provider/internal/testaws"
)

// version is what Terraform shows for the provider.
const version = "0.1.0"

func main() {
	debug := flag.Bool("debug", false, "run with support for debuggers such as delve")
	flag.Parse()
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	settings := testaws.Settings{
		StateDir:  os.Getenv("HIYARI_TESTAWS_STATE_DIR"),
		AccountID: os.Getenv("HIYARI_TESTAWS_ACCOUNT_ID"),
		Region:    region,
		Version:   version,
	}
	err := providerserver.Serve(context.Background(), testaws.New(settings), providerserver.ServeOpts{
		Address: "registry.terraform.io/hashicorp/aws",
		Debug:   *debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
