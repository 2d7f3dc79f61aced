package planfile

import (
	"archive/zip"
	"fmt"
)

// Bounds CheckArchive holds a planfile to before Terraform is asked to read it.
// Terraform reads an entry whole into memory: a zip bomb (a small archive whose
// entry inflates to gigabytes) costs it seconds and gigabytes before it finds the
// entry is no plan.
const (
	// maxInflation bounds the compression ratio of a large entry. Terraform's
	// entries deflate to a fifth to a tenth of their size; runs of one byte, the
	// stuff of zip bombs, deflate to a thousandth.
	maxInflation = 100
	// inflationFloor is the size below which any ratio is allowed: small entries
	// of one repeated byte cost nothing to read.
	inflationFloor = 16 << 20
)

// CheckArchive refuses a zip archive that no Terraform planfile looks like and that
// would make the Terraform reading it hold an entry of gigabytes in memory: too many
// entries, an entry declaring more than the planfile limits, or a large entry
// inflating over maxInflation times. It reads only the archive's directory.
func CheckArchive(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return &ReadError{Path: path, Problem: "not a readable zip archive (a planfile is one): " + err.Error(), Err: err}
	}
	defer zr.Close()
	return checkEntries(&zr.Reader, path, defaultLimits())
}

func checkEntries(zr *zip.Reader, path string, lim limits) error {
	if len(zr.File) > lim.entries {
		return &ReadError{Path: path, Problem: fmt.Sprintf("archive has %d entries, more than a planfile has", len(zr.File))}
	}
	for _, f := range zr.File {
		size := f.UncompressedSize64
		if size > uint64(lim.plan) {
			return &ReadError{Path: path, Problem: fmt.Sprintf("entry %q declares %d bytes, more than a planfile holds", f.Name, size)}
		}
		if size > inflationFloor && size/maxInflation > f.CompressedSize64 {
			return &ReadError{Path: path, Problem: fmt.Sprintf("entry %q inflates %d bytes to %d, over %d times: a zip bomb, not a planfile", f.Name, f.CompressedSize64, size, maxInflation)}
		}
	}
	return nil
}
