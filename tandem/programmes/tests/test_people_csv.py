"""Reading people CSVs as spreadsheets write them (no database)."""

from __future__ import annotations

import pytest

from tandem.programmes.people.csv_file import MAX_BYTES, MAX_ROWS, CsvFileError, decode, parse

HEADER = "name,email,role,sponsor_email,cohort,training"


def test_plain_comma_file_gives_rows_with_their_line_numbers():
    parsed = parse(f"{HEADER}\nAna Ruiz,ana@example.org,coachee,sam@example.org,Spring,yes\n")
    (row,) = parsed.rows
    assert (row.line, row.name, row.email, row.role) == (
        2,
        "Ana Ruiz",
        "ana@example.org",
        "coachee",
    )
    assert (row.sponsor_email, row.cohort, row.training) == ("sam@example.org", "Spring", "yes")
    assert parsed.ignored_columns == []


def test_excel_in_europe_semicolons_bom_and_crlf_are_read():
    data = "\ufeffName;E-mail;Role\r\nJörg Müller;jorg@example.de;Coach\r\n".encode()
    parsed = parse(decode(data))
    assert parsed.delimiter == ";"
    (row,) = parsed.rows
    assert (row.name, row.email, row.role, row.line) == (
        "Jörg Müller",
        "jorg@example.de",
        "Coach",
        2,
    )


def test_a_bom_without_decode_and_tabs_are_read_too():
    parsed = parse("\ufeffname\temail\trole\nAna\tana@example.org\tcoach\n")
    assert parsed.delimiter == "\t"
    assert parsed.rows[0].email == "ana@example.org"


def test_quoted_cells_keep_commas_and_line_numbers_follow_the_file():
    text = (
        f"{HEADER}\n"
        '"Ruiz, Ana",ana@example.org,coachee,,,\n'
        "\n"  # a blank line is skipped but still counted
        '"Bo\nLee",bo@example.org,coach,,,\n'  # a line break inside quotes
        "Cy Diaz,cy@example.org,sponsor,,,\n"
    )
    rows = parse(text).rows
    assert [r.name for r in rows] == ["Ruiz, Ana", "Bo\nLee", "Cy Diaz"]
    assert [r.line for r in rows] == [2, 4, 6]


def test_optional_columns_may_be_left_out_and_unknown_ones_are_named():
    parsed = parse("email,name,role,phone\nana@example.org,Ana,coach,555\n")
    assert parsed.rows[0].sponsor_email == ""
    assert parsed.ignored_columns == ["phone"]


def test_a_row_with_more_cells_than_columns_is_marked():
    rows = parse(
        "name,email,role\nRuiz, Ana,ana@example.org,coach\nBo,bo@example.org,coach,\n"
    ).rows
    assert rows[0].extra_cells is True
    assert rows[1].extra_cells is False  # a trailing empty cell is harmless


def test_a_header_without_the_required_columns_says_what_it_needs():
    with pytest.raises(CsvFileError, match="name, email, role") as exc:
        parse("Vorname,Mail\nAna,ana@example.org\n")
    assert "“Vorname”" in str(exc.value)


def test_a_column_named_twice_is_refused():
    with pytest.raises(CsvFileError, match="“email” appears twice"):
        parse("name,email,role,email\nAna,a@example.org,coach,b@example.org\n")


def test_an_empty_file_and_a_header_alone_say_so():
    with pytest.raises(CsvFileError, match="empty"):
        decode(b"  \n")
    with pytest.raises(CsvFileError, match="no people"):
        parse("name,email,role\n\n")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"PK\x03\x04\x14\x00rest-of-a-zip", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old-xls", "Excel workbook"),
        (b"%PDF-1.7 ...", "PDF"),
        ("name,email,role\n".encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"name,email,role\nJ\xf6rg,j@example.org,coach\n", "Line 2 is not UTF-8"),
    ],
)
def test_a_file_that_is_not_csv_says_what_it_is(data, says):
    with pytest.raises(CsvFileError, match=says):
        decode(data)


def test_too_big_a_file_is_refused_with_the_limit():
    data = b"name,email,role\n" + b"x" * MAX_BYTES
    with pytest.raises(CsvFileError, match="the limit is 1 MB"):
        decode(data)
    with pytest.raises(CsvFileError, match="the limit is 1 MB"):
        parse(data.decode())


def test_more_rows_than_the_limit_are_refused():
    rows = "".join(f"P{i},p{i}@example.org,coachee\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(CsvFileError, match="more than 2,000 rows"):
        parse("name,email,role\n" + rows)
    assert len(parse("name,email,role\n" + rows.split("\n", 1)[1]).rows) == MAX_ROWS


def test_an_unclosed_quote_is_not_silently_swallowed():
    # csv reads an unclosed quote to the end of the file: the rest becomes one odd cell,
    # which the row checks then flag (here: a name with line breaks and no email).
    rows = parse('name,email,role\n"Ana,ana@example.org,coach\nBo,bo@example.org,coach\n').rows
    assert len(rows) == 1 and "\n" in rows[0].name and rows[0].email == ""


def test_a_file_just_under_the_limit_stays_under_it_when_sent_back_with_crlf():
    line = "Person,p@example.org,coachee\n"
    body = line * ((MAX_BYTES - 100) // len(line))
    text = "name,email,role\n" + body
    assert len(text.encode()) <= MAX_BYTES
    with pytest.raises(CsvFileError, match="more than 2,000 rows"):  # not "too big"
        parse(text.replace("\n", "\r\n"))
