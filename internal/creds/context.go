package creds

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// Context is the environment a process in some situation would see: the variables it
// inherits and the home directory its shared files are read from.
type Context struct {
	// Name is the context as the user wrote it, e.g. "ssm-run-command" or "user:deploy".
	Name string
	// Description says in a few words what the context models.
	Description string
	// User is the account the process runs as, when known.
	User string
	// Env is the process environment in that context.
	Env map[string]string
	// Home is the home directory the SDK uses: HOME, or the password database entry
	// of User when HOME is unset.
	Home string
	// HomeFrom says where Home came from.
	HomeFrom string
	// Dropped lists variables of the current environment that do not reach a process
	// in this context (sorted).
	Dropped []string
	// ImpersonatedHome is true when Home is not what the SDK in this process would
	// compute on its own (HOME unset and the context's user is not the current user,
	// or the password database is not the host's), so the SDK cross-check must be
	// given the home explicitly.
	ImpersonatedHome bool
}

// ContextNames lists the context forms accepted by ParseContext, for help text.
var contextForms = []string{"current", "user:NAME", "home:DIR", "no-home", "ssm-run-command", "ssm-session[:USER]"}

// ContextForms returns the accepted --context forms, for help text and errors.
func ContextForms() []string { return append([]string(nil), contextForms...) }

// ContextOptions are what ParseContext needs from the caller.
type ContextOptions struct {
	// Env is the current process environment.
	Env map[string]string
	// Users is the password database.
	Users Users
	// SystemUsers is true when Users is the host's own database, the one the SDK in a
	// child process would consult.
	SystemUsers bool
}

// machineVars are variables that describe the host or network rather than a login
// session: on a host where they are set, a service and a login shell alike see them.
// They are carried into the contexts that start from a fresh environment.
func isMachineVar(k string) bool {
	switch {
	case strings.HasPrefix(k, "AWS_EC2_METADATA_"),
		strings.HasPrefix(k, "AWS_ENDPOINT_URL"),
		k == "AWS_CA_BUNDLE",
		k == "PATH", k == "LANG", k == "TZ",
		strings.EqualFold(k, "HTTP_PROXY"), strings.EqualFold(k, "HTTPS_PROXY"), strings.EqualFold(k, "NO_PROXY"):
		return true
	}
	return false
}

// ParseContext turns a --context value into a Context.
func ParseContext(spec string, o ContextOptions) (Context, error) {
	kind, arg, hasArg := strings.Cut(spec, ":")
	switch kind {
	case "current":
		if hasArg {
			break
		}
		c := Context{Name: spec, Description: "this process's environment", Env: copyEnv(o.Env)}
		return c.withHome(o, "")
	case "home":
		if !hasArg || !filepath.IsAbs(arg) {
			return Context{}, fmt.Errorf("parse context %q: home: needs an absolute directory, e.g. home:/home/deploy", spec)
		}
		env := copyEnv(o.Env)
		env["HOME"] = filepath.Clean(arg)
		c := Context{Name: spec, Description: "this environment with HOME=" + filepath.Clean(arg), Env: env}
		return c.withHome(o, "")
	case "no-home":
		if hasArg {
			break
		}
		env := copyEnv(o.Env)
		delete(env, "HOME")
		c := Context{Name: spec, Description: "this environment without HOME (the SDK falls back to the password database)", Env: env}
		return c.withHome(o, "")
	case "user":
		if !hasArg || arg == "" {
			return Context{}, fmt.Errorf("parse context %q: user: needs a user name, e.g. user:deploy", spec)
		}
		u, err := o.Users.Lookup(arg)
		if err != nil {
			return Context{}, fmt.Errorf("parse context %q: %w", spec, err)
		}
		env, dropped := freshEnv(o.Env)
		env["HOME"], env["USER"], env["LOGNAME"] = u.Home, u.Name, u.Name
		c := Context{Name: spec, Description: "a login shell of " + u.Name, User: u.Name, Env: env, Dropped: dropped}
		return c.withHome(o, u.Name)
	case "ssm-run-command":
		if hasArg {
			break
		}
		env, dropped := freshEnv(o.Env)
		c := Context{Name: spec, Description: "SSM Run Command: root, the agent's environment, HOME unset", User: "root", Env: env, Dropped: dropped}
		return c.withHome(o, "root")
	case "ssm-session":
		name := "ssm-user"
		if hasArg {
			if arg == "" {
				return Context{}, fmt.Errorf("parse context %q: ssm-session: takes an optional user, e.g. ssm-session:ec2-user", spec)
			}
			name = arg
		}
		env, dropped := freshEnv(o.Env)
		home := "/home/" + name
		from := "HOME set by Session Manager"
		if u, err := o.Users.Lookup(name); err == nil && u.Home != "" {
			home = u.Home
		} else if errors.Is(err, ErrUnknownUser) {
			from = "HOME set by Session Manager (" + name + " is not in the password database yet: the agent creates it on the first session)"
		}
		env["HOME"], env["USER"], env["LOGNAME"] = home, name, name
		c := Context{Name: spec, Description: "Session Manager shell as " + name, User: name, Env: env, Dropped: dropped}
		c, err := c.withHome(o, name)
		if err == nil {
			c.HomeFrom = from
		}
		return c, err
	}
	return Context{}, fmt.Errorf("parse context %q: unknown context; use one of %s", spec, strings.Join(contextForms, ", "))
}

func (c Context) withHome(o ContextOptions, userName string) (Context, error) {
	if h, ok := c.Env["HOME"]; ok && h != "" {
		c.Home, c.HomeFrom = h, "HOME"
		return c, nil
	}
	var (
		u   User
		err error
	)
	cur, curErr := o.Users.Current()
	if userName == "" {
		u, err = cur, curErr
	} else {
		u, err = o.Users.Lookup(userName)
	}
	if err != nil {
		return Context{}, fmt.Errorf("resolve home for context %q: HOME is unset and %w", c.Name, err)
	}
	if c.User == "" {
		c.User = u.Name
	}
	c.Home = u.Home
	c.HomeFrom = "password database entry of " + u.Name + " (HOME unset)"
	c.ImpersonatedHome = !o.SystemUsers || curErr != nil || cur.UID != u.UID
	return c, nil
}

func copyEnv(env map[string]string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = v
	}
	return out
}

// freshEnv keeps only machine-level variables, and reports the AWS_ variables it drops.
func freshEnv(env map[string]string) (map[string]string, []string) {
	out := map[string]string{}
	var dropped []string
	for k, v := range env {
		if isMachineVar(k) {
			out[k] = v
			continue
		}
		if strings.HasPrefix(k, "AWS_") {
			dropped = append(dropped, k)
		}
	}
	sort.Strings(dropped)
	return out, dropped
}
