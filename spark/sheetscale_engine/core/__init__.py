"""The engine core: config → typed plan and Excel's value rules; imports no engine."""
