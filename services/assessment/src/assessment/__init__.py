"""Assessment service: schemes, cycles, scores, excellence (联动化评优), dual reports, honours."""
