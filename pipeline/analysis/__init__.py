"""Analysis: the history store's periods as pandas tables a manager reads — scores, grades,
payables and flags per supplier per period (`history`), one supplier's record, and the audit
trail of runs. Plain functions over DataFrames the store reads (`HistoryStore.current_frame`);
nothing here touches SQL or files."""
