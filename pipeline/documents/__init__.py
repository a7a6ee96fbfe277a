"""Documents: the context each template receives, every figure and date already formatted in
both languages, so templates only place strings. One module per family of documents:
`monthly` (review report, settlement statement, notices, portfolio summary), `workforce`
(attendance and roster annexes), `contracts`, `review` (quarterly / annual), `selection`,
`scoreboard` and `input_workbooks` (blank input templates); `formatting`, `amount_words` and
`charts` are shared."""
