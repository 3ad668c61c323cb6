"""The zhenggai Excel add-in: ribbon buttons that run the library in the open master."""
