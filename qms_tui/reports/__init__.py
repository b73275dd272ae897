"""PDF reports: the clause-indexed evidence dossier and the record reports.

``run.generate`` is the entry point (CLI and TUI). Context builders (``dossier``, ``records``)
turn the evidence service's DTOs into template contexts; ``common`` renders Jinja2 HTML with
``static/report.css``; ``charts`` writes SVG charts; ``pdf`` — the only module that
imports WeasyPrint — renders in child processes and merges with pikepdf. Importing this
package loads none of them.
"""
