Attribute VB_Name = "ZhenggaiRibbon"
' Ribbon callbacks of the zhenggai add-in; the tab itself is customUI/customUI.xml.
' Every button calls OnButton and its Tag names the Python handler, see
' xl_addin/buttons_spec.py. xl_addin/build.py puts this module into the .xlam:
' edit this file, not the add-in. Keep it ASCII (VBA stores code page 1252 here).
Option Explicit

Sub OnButton(control As IRibbonControl)
    RunPython "import xl_addin.buttons as b; b.run('" & control.Tag & "')"
End Sub
