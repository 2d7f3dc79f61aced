package plan

import "strings"

// ConfigAddress strips instance keys from an absolute resource instance address:
// module.app["x"].aws_iam_role.task[0] → module.app.aws_iam_role.task.
// Keys are skipped as whole bracketed tokens, so quoted keys containing dots or
// brackets ("a.b[0]") do not confuse it.
func ConfigAddress(addr string) string {
	if !strings.Contains(addr, "[") {
		return addr
	}
	return string(appendConfigAddress(make([]byte, 0, len(addr)), addr))
}

// appendConfigAddress appends addr without its instance keys to dst, copying the
// parts between keys whole.
func appendConfigAddress(dst []byte, addr string) []byte {
	for {
		i := strings.IndexByte(addr, '[')
		if i < 0 {
			return append(dst, addr...)
		}
		dst = append(dst, addr[:i]...)
		// skip to the matching ']' honouring quoted strings
		inQuote := false
		for i++; i < len(addr); i++ {
			switch {
			case inQuote && addr[i] == '\\':
				i++
			case addr[i] == '"':
				inQuote = !inQuote
			case !inQuote && addr[i] == ']':
				goto closed
			}
		}
		return dst // no closing bracket: the rest is dropped
	closed:
		addr = addr[i+1:]
	}
}

// ModulePath returns the module part of a configuration address ("" for root):
// module.a.module.b.aws_x.y → module.a.module.b.
func ModulePath(configAddr string) string {
	parts := strings.Split(configAddr, ".")
	end := 0
	for end+1 < len(parts) && parts[end] == "module" {
		end += 2
	}
	return strings.Join(parts[:end], ".")
}
