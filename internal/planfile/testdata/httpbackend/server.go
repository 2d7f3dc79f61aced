// Command server answers Terraform's http backend on 127.0.0.1 as a backend that holds
// no state yet (404 to every read), so that `terraform plan -out` can write a planfile
// whose backend configuration carries a password. gen.sh runs it.
package main

import (
	"log"
	"net/http"
)

func main() {
	log.Fatal(http.ListenAndServe("127.0.0.1:18731", http.NotFoundHandler()))
}
