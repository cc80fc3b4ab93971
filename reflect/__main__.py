try:
    from reflect.cli import main
except KeyboardInterrupt:   # Ctrl-C while Python is still starting reflect: no traceback
    import sys

    sys.stderr.write("reflect: interrupted\n")
    raise SystemExit(130) from None

raise SystemExit(main())
