from django.contrib import admin

from .models import (
    Board,
    Forward,
    Moderation,
    Post,
    PostImage,
    Seminar,
    SeminarAttendance,
    SeminarPhoto,
    Thread,
)


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "project", "subject"]
    list_filter = ["kind", "project"]
    raw_id_fields = ["training_class"]


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ["author", "opening", "expert_answer", "hidden_at", "hidden_reason", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "author", "replies", "pinned_at", "locked_at", "last_post_at"]
    search_fields = ["title"]
    raw_id_fields = ["board", "author"]
    inlines = [PostInline]


class PostImageInline(admin.TabularInline):
    model = PostImage
    extra = 0
    readonly_fields = ["file", "mime", "name", "size", "width", "height"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "opening", "expert_answer", "hidden_at", "created_at"]
    list_filter = ["expert_answer", "opening"]
    raw_id_fields = ["thread", "author", "quote", "hidden_by"]
    inlines = [PostImageInline]


@admin.register(Moderation)
class ModerationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "thread", "reason"]
    list_filter = ["action"]
    raw_id_fields = ["board", "thread", "post", "actor"]

    def has_change_permission(self, request, obj=None):
        return False  # the record of what was done stays as it was written


@admin.register(Forward)
class ForwardAdmin(admin.ModelAdmin):
    list_display = ["post", "question", "forwarded_by", "answer_post", "created_at"]
    raw_id_fields = ["post", "question", "forwarded_by", "answer_post"]


class AttendanceInline(admin.TabularInline):
    model = SeminarAttendance
    extra = 0
    raw_id_fields = ["enrollment"]


class PhotoInline(admin.TabularInline):
    model = SeminarPhoto
    extra = 0
    readonly_fields = ["file", "mime", "name", "size", "width", "height"]


@admin.register(Seminar)
class SeminarAdmin(admin.ModelAdmin):
    list_display = ["title", "training_class", "held_on", "place", "organizer"]
    raw_id_fields = ["training_class", "organizer", "created_by"]
    inlines = [AttendanceInline, PhotoInline]
