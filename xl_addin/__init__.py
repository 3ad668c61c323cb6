"""The zhenggai Excel add-in: ribbon buttons, their VBA glue and the .xlam builder."""
