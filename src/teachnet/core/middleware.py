class ChineseByDefaultMiddleware:
    """The interface is Chinese unless the person picked another language with the switch.

    The browser's Accept-Language is ignored on purpose: officials on English-configured machines still
    expect the Chinese platform, and the language switch (a cookie) is one click away.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
