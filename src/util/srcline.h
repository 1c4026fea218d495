/*
 * srcline - logical lines of a Postfix-style text file
 *
 * A line whose first non-blank character is '#' is a comment; blank lines
 * are ignored; a line that starts with white space continues the previous
 * logical line (joined with one space), even across comment lines, as in
 * Postfix's main.cf. Trailing white space (and a CR) is dropped. A logical
 * line is numbered by its first physical line. A UTF-8 byte order mark at
 * the start of the data (Windows editors write one) is skipped; offsets
 * still count from the start of the data.
 *
 * The reader works on a buffer in memory and never reads outside it. A
 * logical line longer than the limit is refused (the error names the
 * limit); so is one with a NUL byte, and a continuation with nothing to
 * continue. After an error the reader goes on with the next logical line.
 */
#ifndef CERTPOLICY_SRCLINE_H
#define CERTPOLICY_SRCLINE_H

#include <stddef.h>

enum srcline_status {
    SRCLINE_EOF,
    SRCLINE_OK,
    SRCLINE_TOO_LONG,			/* longer than max_line */
    SRCLINE_NUL,			/* has a NUL byte */
    SRCLINE_ORPHAN,			/* continuation with nothing before it */
};

struct srcline {
    const char *data;
    size_t  len;
    size_t  pos;			/* start of the next physical line */
    int     lineno;			/* of the last physical line read */
    size_t  max_line;
    char   *buf;			/* the current logical line */
    size_t  buflen;
    size_t  start;			/* offset of its first text byte */
    size_t  end;			/* offset just past its last text byte */
};

/* srcline_init - read lines from data[len]; lines longer than max_line are errors */
void    srcline_init(struct srcline *sl, const char *data, size_t len, size_t max_line);

/*
 * srcline_next - the next logical line in *text (valid until the next
 * call) and its number in *line. On an error, *line is where it is.
 */
enum srcline_status srcline_next(struct srcline *sl, char **text, int *line);

/* srcline_free - release the reader's buffer */
void    srcline_free(struct srcline *sl);

#endif
