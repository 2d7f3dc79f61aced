package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	gh "github.com/google/go-github/v74/github"
)

// CommentLimit is the largest comment body GitHub accepts, in the unit
// CountGitHubChars counts. GitHub's 422 reads "Body is too long (maximum is
// 65536 characters)".
const CommentLimit = 65536

// CountGitHubChars counts s the way GitHub's comment limit counts it: in
// Unicode code points (runes).
//
// Why runes and not UTF-16 code units or bytes: GitHub validates bodies in
// Ruby, where String#length of a UTF-8 string is its number of code points, and
// the error message speaks of characters. Public measurements of issue comments
// (reported in GitHub community discussion 27190 and by projects that bisected
// the boundary) find the stored limit behaving as 262,144 bytes, i.e. 65,536
// four-byte characters; pull request bodies were measured to refuse more than
// 65,536 code points whether ASCII or astral. A body of at most 65,536 runes
// satisfies every one of these readings at once, since a rune is at most four
// UTF-8 bytes: 65,536 × 4 = 262,144. Counting UTF-16 units would be stricter
// than needed (an emoji would count twice) and counting bytes looser than the
// documented message. Invalid UTF-8 bytes count one each; the JSON encoder sends
// them as U+FFFD, still one character.
func CountGitHubChars(s string) int { return utf8.RuneCountInString(s) }

// Marker is the hidden HTML comment that identifies hiyari's comment for
// target on a pull request, e.g. `<!-- hiyari:target=envs/staging:default -->`.
// Characters outside a conservative set are percent-encoded, so no target can
// end the HTML comment early, span lines, or make one target's marker a prefix
// of another's: the marker always ends with " -->".
func Marker(target string) string {
	return "<!-- hiyari:target=" + escapeTarget(target) + " -->"
}

func escapeTarget(target string) string {
	if target == "" {
		return "%00"
	}
	var b strings.Builder
	for i := 0; i < len(target); i++ {
		ch := target[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '/', ch == ':', ch == '.', ch == '_', ch == '@', ch == '+', ch == '=', ch == ',', ch == '~':
			b.WriteByte(ch)
		case ch == '-' && !(i+1 < len(target) && target[i+1] == '-') && !(i > 0 && target[i-1] == '-'):
			// A lone '-' is fine; "--" is escaped so no comment terminator can form.
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// BodyBudget is how many characters (CountGitHubChars) a body for target may
// have so that, with the marker UpsertComment adds, the comment stays within
// CommentLimit. Renderers size the Markdown to this.
func BodyBudget(target string) int {
	return CommentLimit - CountGitHubChars(Marker(target)+"\n"+"\n")
}

// CommentAction says what UpsertComment did to the sticky comment.
type CommentAction string

// CommentAction values.
const (
	// CommentCreated means no comment for the target existed; one was posted.
	CommentCreated CommentAction = "created"
	// CommentUpdated means the existing comment was edited in place.
	CommentUpdated CommentAction = "updated"
	// CommentUnchanged means the existing comment already had this body; no write.
	CommentUnchanged CommentAction = "unchanged"
)

// CommentResult is the outcome of UpsertComment.
type CommentResult struct {
	// Action is what happened to the sticky comment.
	Action CommentAction
	// ID and URL identify the sticky comment.
	ID  int64
	URL string
	// Deleted lists older duplicate comments for the same target that were
	// removed (left by concurrent runs).
	Deleted []int64
	// Chars is the comment's length as GitHub counts it.
	Chars int
}

// TooLongError is a body that would exceed CommentLimit. It is returned before
// any API call: trimming a review is the renderer's job (see BodyBudget),
// since only it knows what may be dropped.
type TooLongError struct {
	// Target is the comment's target; Chars its length with the marker; Limit CommentLimit.
	Target string
	Chars  int
	Limit  int
}

// Error names the target, the length and the limit.
func (e *TooLongError) Error() string {
	return fmt.Sprintf("post comment for target %q: the comment is %d characters, over GitHub's limit of %d; render it within BodyBudget", e.Target, e.Chars, e.Limit)
}

// UpsertComment makes the pull request carry exactly one hiyari comment for
// target, whose body is body behind the target's Marker.
//
// It lists all comments (every page) and picks those carrying the marker. When
// there are several (two runs raced, or an older version left one), the newest
// is kept and updated and the others are deleted, so the pull request converges
// to one comment per target. An unchanged body is not written at all. When none
// exists, a comment is created; if the create fails ambiguously (timeout,
// dropped connection, 5xx) it may have been applied, so the comments are listed
// again before another create is tried: a retry never makes two comments.
func (c *Client) UpsertComment(ctx context.Context, target, body string) (CommentResult, error) {
	marker := Marker(target)
	full := marker + "\n" + strings.TrimRight(body, "\n") + "\n"
	n := CountGitHubChars(full)
	if n > CommentLimit {
		return CommentResult{}, &TooLongError{Target: target, Chars: n, Limit: CommentLimit}
	}

	var lastErr error
	for attempt := 0; attempt <= c.retry.maxRetries; attempt++ {
		if attempt > 0 {
			wait := backoff(attempt - 1)
			if !c.retry.reserve(wait) {
				break
			}
			if err := c.retry.sleep(ctx, wait); err != nil {
				return CommentResult{}, c.wrap("post comment", err)
			}
		}
		existing, err := c.markedComments(ctx, marker)
		if err != nil {
			return CommentResult{}, err
		}
		if len(existing) > 0 {
			res, err := c.updateNewest(ctx, existing, full, n)
			if lastErr != nil && res.Action == CommentUnchanged {
				// Our own create was applied although its answer was lost.
				res.Action = CommentCreated
			}
			return res, err
		}
		created, _, err := c.gh.Issues.CreateComment(withoutReplay(ctx), c.owner, c.repo, c.pr, &gh.IssueComment{Body: gh.Ptr(full)})
		if err == nil {
			return CommentResult{Action: CommentCreated, ID: created.GetID(), URL: created.GetHTMLURL(), Chars: n}, nil
		}
		if ctx.Err() != nil || !isAmbiguous(err) {
			return CommentResult{}, c.wrap("create comment", err)
		}
		lastErr = err
	}
	return CommentResult{}, c.wrap("create comment", lastErr)
}

// markedComments returns the comments carrying marker, oldest first.
func (c *Client) markedComments(ctx context.Context, marker string) ([]*gh.IssueComment, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: perPage}}
	var found []*gh.IssueComment
	for {
		page, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, c.pr, opts)
		if err != nil {
			return nil, c.wrap("list comments", err)
		}
		for _, cm := range page {
			if hasMarker(cm.GetBody(), marker) {
				found = append(found, cm)
			}
		}
		if resp.NextPage == 0 {
			return found, nil
		}
		opts.Page = resp.NextPage
	}
}

// hasMarker matches the marker as a whole line, so a comment quoting it in
// prose ("> <!-- hiyari…") is not mistaken for hiyari's own.
func hasMarker(body, marker string) bool {
	for line := range strings.SplitSeq(body, "\n") {
		if strings.TrimRight(line, "\r") == marker {
			return true
		}
	}
	return false
}

func (c *Client) updateNewest(ctx context.Context, existing []*gh.IssueComment, full string, n int) (CommentResult, error) {
	newest := existing[0]
	for _, cm := range existing[1:] {
		if newer(cm, newest) {
			newest = cm
		}
	}
	res := CommentResult{Action: CommentUnchanged, ID: newest.GetID(), URL: newest.GetHTMLURL(), Chars: n}
	if normalise(newest.GetBody()) != normalise(full) {
		edited, _, err := c.gh.Issues.EditComment(ctx, c.owner, c.repo, newest.GetID(), &gh.IssueComment{Body: gh.Ptr(full)})
		if err != nil {
			return CommentResult{}, c.wrap(fmt.Sprintf("update comment %d", newest.GetID()), err)
		}
		res.Action = CommentUpdated
		if u := edited.GetHTMLURL(); u != "" {
			res.URL = u
		}
	}
	var errs []error
	for _, cm := range existing {
		if cm.GetID() == newest.GetID() {
			continue
		}
		_, err := c.gh.Issues.DeleteComment(ctx, c.owner, c.repo, cm.GetID())
		if err != nil && !isNotFound(err) {
			errs = append(errs, c.wrap(fmt.Sprintf("delete duplicate comment %d", cm.GetID()), err))
			continue
		}
		res.Deleted = append(res.Deleted, cm.GetID())
	}
	return res, errors.Join(errs...)
}

func newer(a, b *gh.IssueComment) bool {
	ta, tb := a.GetCreatedAt().Time, b.GetCreatedAt().Time
	if !ta.Equal(tb) {
		return ta.After(tb)
	}
	return a.GetID() > b.GetID()
}

// normalise makes bodies comparable across GitHub's storage, which may return
// CRLF line ends and drops a trailing newline.
func normalise(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

func isNotFound(err error) bool {
	var er *gh.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == 404
}
