"""``wuying import``: a registry export streamed to archive in chunks, line numbers kept (issue 10 item 3)."""

import io

from wuying_tools.cli import import_file


def test_a_csv_export_is_sent_in_chunks_each_led_by_its_header_with_file_line_numbers(tmp_path):
    export = tmp_path / "officials.csv"
    rows = [f"o{i},张{i},130402" for i in range(7)]
    export.write_text("id,name,county\n" + "\n".join(rows) + "\n", "utf-8")
    sent = []

    def post(body):
        sent.append(body)
        lines = body["text"].splitlines()[1:]
        errors = [{"line": body["first_line"] + 1, "field": "unit_id", "message": "缺少单位"}] if len(sent) == 2 else []
        return {"lines": len(lines), "created": len(lines) - len(errors), "failed": len(errors), "errors": errors}

    out = io.StringIO()
    result = import_file(export, "officials", "csv", post, chunk_lines=3, out=out)
    assert [b["first_line"] for b in sent] == [2, 5, 8]
    assert all(b["text"].startswith("id,name,county\n") for b in sent)
    assert [len(b["text"].splitlines()) - 1 for b in sent] == [3, 3, 1]
    assert (result["lines"], result["created"], result["failed"]) == (7, 6, 1)
    assert result["errors"] == [{"line": 6, "field": "unit_id", "message": "缺少单位"}]
    assert "8/8 行" in out.getvalue()


def test_a_json_lines_export_has_no_header_and_starts_at_line_one(tmp_path):
    export = tmp_path / "units.jsonl"
    export.write_text('{"id": "u1"}\n{"id": "u2"}\n', "utf-8")
    sent = []
    import_file(export, "units", "jsonl", lambda body: sent.append(body) or {"lines": 2}, out=io.StringIO())
    assert sent == [{"kind": "units", "format": "jsonl", "text": '{"id": "u1"}\n{"id": "u2"}\n', "first_line": 1}]
